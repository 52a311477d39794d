// What every procedure needs from the outside world, built once per process and passed in.
import type { PasswordQueue, TokenService } from "@kit/auth";
import type { PrismaClient, SqlPool } from "@kit/db";
import type { Logger } from "./logger";
import type { AuthRateLimiter } from "./rate-limit";
import type { SessionCache } from "./session-cache";

export interface SessionPolicy {
  /** How long a just-rotated refresh token still returns the current pair (ms); 0 disables. */
  refreshReuseGraceMs: number;
  /** The absolute cap on a session from login (ms); rotation never extends it. */
  sessionMaxAgeMs: number;
}

export interface AppDeps {
  prisma: PrismaClient;
  /**
   * The pool under `prisma` (poolOf): the hot path's statements (the refresh swap) run on it
   * through `pg` as named statements, which Prisma's raw-query path would make several times
   * slower. Everything else goes through Prisma.
   */
  pool: SqlPool;
  tokens: TokenService;
  sessions: SessionPolicy;
  limiter: AuthRateLimiter;
  /**
   * Every argon2 hash and verify of a request goes through it (AUTH_HASH_CONCURRENCY at once,
   * AUTH_HASH_QUEUE waiting): a login flood gets SERVER_BUSY, the other requests keep a core.
   */
  passwordQueue: PasswordQueue;
  /** Reverse proxies in front of the app (AUTH_TRUST_PROXY); decides where the client address comes from. */
  trustProxy: number;
  /** Milliseconds since the epoch; injected so tests can move time. */
  now: () => number;
  /** Adds stack traces and internal error text to responses: development only. */
  exposeErrors: boolean;
  /** The server's structured log (unexpected errors); never receives tokens or passwords. */
  logger: Logger;
  /**
   * Live sessions kept in memory for Bearer calls, dropped on the database's change notifications
   * (AUTH_SESSION_CACHE_SIZE). Absent: every protected call reads the database.
   */
  sessionCache?: SessionCache;
  /** Emails that never sign in here (the demo user where the server is reachable from others). */
  refusedLogins?: ReadonlySet<string>;
  /**
   * Emails that sign in only on a request naming this machine in its Host (`localhost`,
   * `127.0.0.1`, `[::1]`): the demo accounts, whose passwords are published, so that a page whose
   * own name an attacker points at 127.0.0.1 (DNS rebinding) cannot sign in as them.
   */
  loopbackOnlyLogins?: ReadonlySet<string>;
}
