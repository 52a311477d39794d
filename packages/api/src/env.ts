// The one reader of process.env for the server: every setting, its default and its validation.

import { isIPv6 } from "node:net";
import { availableParallelism } from "node:os";
import path from "node:path";
// Deep imports: `@kit/api/env` is what server.ts loads in every worker, so it must not pull in
// the database client or the token code.
import { ALGORITHMS, type Algorithm } from "@kit/auth/algorithms";
import { parseDuration } from "@kit/auth/duration";
import { hashConcurrencyDefault, WAITING_PER_SLOT } from "@kit/auth/password-queue";
import { findWorkspaceRoot } from "@kit/db/workspace-root";
import { z } from "zod";
import { parseIsoTime } from "./iso-time";
import { type ConfiguredKey, keyProblems, parseVerificationKeys } from "./key-config";
import { LOG_LEVELS, type LogLevel } from "./log-levels";
import type { RateLimitSettings } from "./rate-limit";
import { DEFAULT_RATE_LIMITS } from "./rate-limit/settings";

const emptyAsUndefined = (value: unknown) => (value === "" ? undefined : value);

/**
 * A whole number written in digits, from `min` to `max`. Not `z.coerce.number()`: Number() reads
 * " " as 0 (a blank PORT or cache size silently became 0) and "0x10" or "3.8e3" as numbers.
 */
const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d{1,16}$/, "must be a whole number written in digits")
    .transform(Number)
    .pipe(z.number().min(min).max(max));

/**
 * The one duration transform: "10s", "30m", "7d"... in seconds. Where `zeroMeansOff`, "0" (in any unit) is 0
 * (a window switched off, or a retention kept forever).
 */
const toSeconds =
  (zeroMeansOff: boolean) =>
  (text: string, ctx: z.RefinementCtx): number => {
    try {
      return parseDuration(text, { zero: zeroMeansOff });
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message });
      return z.NEVER;
    }
  };

const duration = (fallback: string) => z.string().default(fallback).transform(toSeconds(false));
const durationText = z.string().transform(toSeconds(false));
const window = (fallback: string) => z.string().default(fallback).transform(toSeconds(true));

/** Each rate-limit threshold's variable; counts are whole numbers, windows and locks durations. */
export const RATE_LIMIT_VARIABLES = {
  AUTH_RATE_LIMIT_LOGIN_BURST_FAILURES: ["loginBurstFailures", "count"],
  AUTH_RATE_LIMIT_LOGIN_BURST_LOCK: ["loginBurstLockSeconds", "duration"],
  AUTH_RATE_LIMIT_LOGIN_BURST_WINDOW: ["loginBurstWindowSeconds", "duration"],
  AUTH_RATE_LIMIT_LOGIN_ACCOUNT_FAILURES: ["loginAccountFailures", "count"],
  AUTH_RATE_LIMIT_LOGIN_ACCOUNT_WINDOW: ["loginAccountWindowSeconds", "duration"],
  AUTH_RATE_LIMIT_LOGIN_CLIENT_FAILURES: ["loginClientFailures", "count"],
  AUTH_RATE_LIMIT_LOGIN_CLIENT_WINDOW: ["loginClientWindowSeconds", "duration"],
  AUTH_RATE_LIMIT_REGISTER_PER_CLIENT: ["registerPerClient", "count"],
  AUTH_RATE_LIMIT_REGISTER_WINDOW: ["registerWindowSeconds", "duration"],
  AUTH_RATE_LIMIT_REFRESH_PER_CLIENT: ["refreshPerClient", "count"],
  AUTH_RATE_LIMIT_REFRESH_WINDOW: ["refreshWindowSeconds", "duration"],
} as const satisfies Record<string, [keyof RateLimitSettings, "count" | "duration"]>;

const count = wholeNumber(1, 1_000_000_000);

const rateLimitShape = Object.fromEntries(
  Object.entries(RATE_LIMIT_VARIABLES).map(([name, [, kind]]) => [
    name,
    z.preprocess(emptyAsUndefined, (kind === "count" ? count : durationText).optional()),
  ]),
) as unknown as Record<keyof typeof RATE_LIMIT_VARIABLES, z.ZodType<number | undefined>>;

/**
 * "<secret>[@<time>]" entries, comma- or space-separated. The time follows the entry's last "@",
 * so a secret may itself contain "@" (and then needs a time after it). Messages name the entry,
 * never its text: any part of it may be secret.
 */
function parsePreviousSecrets(list: string, ctx: z.RefinementCtx): PreviousSecret[] {
  return list
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((entry, index) => {
      const at = entry.lastIndexOf("@");
      if (at === -1) return { secret: entry, retiresAt: undefined };
      const retiresAt = parseIsoTime(entry.slice(at + 1));
      if (retiresAt === undefined) {
        ctx.addIssue({
          code: "custom",
          message: `entry ${index + 1}: what follows its last "@" is not a retirement time; write <secret>@<ISO 8601 time>, e.g. @2027-01-31T00:00:00Z or @2027-01-31 (a secret containing "@" needs a time after it)`,
        });
      } else if (at === 0) {
        ctx.addIssue({ code: "custom", message: `entry ${index + 1}: no secret before "@"` });
      }
      return { secret: entry.slice(0, at), retiresAt };
    });
}

const schema = z.object({
  ...rateLimitShape,
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgresql:// connection string")
      // The driver's own words for a bad one ("Invalid URL") would not name this setting.
      .refine(
        URL.canParse,
        "is not a valid URL (a password with @, /, # or % must be percent-encoded)",
      )
      // A "#" starts the URL's fragment: what follows (often the rest of a password, the host
      // and the database) would be dropped, and the error would name some other host.
      .refine(
        (url) => !url.includes("#"),
        'holds a "#", which ends the URL where it stands (a password with # must be percent-encoded as %23)',
      )
      .optional(),
  ),
  DATA_DIR: z.preprocess(emptyAsUndefined, z.string().optional()),
  AUTH_SECRET: z.preprocess(emptyAsUndefined, z.string().optional()),
  // Secrets rotated out, still accepted for verification: comma- or space-separated, each
  // optionally followed by "@<ISO 8601 time>" after which it no longer verifies.
  AUTH_SECRET_PREVIOUS: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .optional()
      .transform((list, ctx) => parsePreviousSecrets(list ?? "", ctx)),
  ),
  // One algorithm per deployment; HS256 signs with AUTH_SECRET, the others with a private key.
  AUTH_ALGORITHM: z.preprocess(emptyAsUndefined, z.enum(ALGORITHMS).default("HS256")),
  AUTH_SIGNING_KEY: z.preprocess(emptyAsUndefined, z.string().optional()),
  AUTH_SIGNING_KEY_ID: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^[\x21-\x7e]{1,128}$/, "must be 1 to 128 printable ASCII characters without spaces")
      .optional(),
  ),
  // Keys that only verify: a JSON array of {"kid", "key", "retiresAt"?} (see key-config.ts).
  AUTH_VERIFICATION_KEYS: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .optional()
      .transform((text, ctx) => {
        const { keys, problems } = parseVerificationKeys(text ?? "[]");
        for (const message of problems) ctx.addIssue({ code: "custom", message });
        return keys;
      }),
  ),
  AUTH_ISSUER: z.preprocess(emptyAsUndefined, z.string().max(512).optional()),
  AUTH_AUDIENCE: z.preprocess(emptyAsUndefined, z.string().max(512).optional()),
  // Clock skew allowed on a token's exp: "0" (default) to "60s"; more would stretch lifetimes.
  AUTH_CLOCK_LEEWAY: z.preprocess(
    emptyAsUndefined,
    window("0").refine((seconds) => seconds <= 60, "must be at most 60s"),
  ),
  AUTH_ACCESS_TOKEN_TTL: z.preprocess(emptyAsUndefined, duration("30m")),
  AUTH_REFRESH_TOKEN_TTL: z.preprocess(emptyAsUndefined, duration("7d")),
  AUTH_REFRESH_REUSE_GRACE: z.preprocess(emptyAsUndefined, window("10s")),
  AUTH_SESSION_MAX_AGE: z.preprocess(emptyAsUndefined, duration("30d")),
  // How long audit events are kept; "0" keeps them forever.
  AUTH_AUDIT_RETENTION: z.preprocess(emptyAsUndefined, window("90d")),
  // Live sessions kept in memory per server; 0 turns the cache off.
  AUTH_SESSION_CACHE_SIZE: z.preprocess(
    emptyAsUndefined,
    wholeNumber(0, 10_000_000).default(10_000),
  ),
  // How long a call waits on the database (for a connection, or one statement) before it
  // answers 503 DB_UNAVAILABLE; never 0: a call must not hang on a database that went away.
  DATABASE_TIMEOUT: z.preprocess(
    emptyAsUndefined,
    duration("5s").refine((seconds) => seconds >= 1 && seconds <= 600, "must be 1s to 10m"),
  ),
  // Whether start-up applies pending migrations (its role then owns the schema), or only checks
  // that none is pending: migrations as a release step, the app as a role that reads and writes
  // rows (see the README's "Running as a DML-only role").
  DATABASE_MIGRATE: z.preprocess(emptyAsUndefined, z.enum(["on", "off"]).default("on")),
  AUTH_TRUST_PROXY: z.preprocess(emptyAsUndefined, wholeNumber(0, 10).default(0)),
  REDIS_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^rediss?:\/\//, "must be a redis:// or rediss:// URL")
      .optional(),
  ),
  // Argon2 jobs at once (default: one core fewer than the machine has) and how many may wait
  // (default: 64 per job at once); past that, logins answer 503 SERVER_BUSY.
  AUTH_HASH_CONCURRENCY: z.preprocess(emptyAsUndefined, wholeNumber(1, 1024).optional()),
  AUTH_HASH_QUEUE: z.preprocess(emptyAsUndefined, wholeNumber(0, 1_000_000).optional()),
  PORT: z.preprocess(emptyAsUndefined, wholeNumber(0, 65535).default(3000)),
  // Loopback unless told otherwise: a fresh checkout has a demo user with a published password.
  HOST: z.preprocess(emptyAsUndefined, z.string().max(255).default("127.0.0.1")),
  DEMO_USER: z.preprocess(emptyAsUndefined, z.enum(["auto", "on", "off"]).default("auto")),
  // Nice value of libuv's pool threads, where argon2 runs (process/pool-priority.ts): 0 to 19,
  // 0 leaves them at the process's own.
  THREAD_POOL_NICE: z.preprocess(emptyAsUndefined, wholeNumber(0, 19).default(10)),
  // `pnpm start`'s worker processes: a number, or "auto" for one per core.
  WEB_CONCURRENCY: z.preprocess(
    emptyAsUndefined,
    z
      .union([z.literal("auto"), wholeNumber(1, 256)], {
        error: 'must be "auto" or a whole number written in digits, 1 to 256',
      })
      .default(1),
  ),
  // Who answers /api/trpc under `pnpm start`: its Node server, or Next.js's route handler (the
  // path of deployments without server.ts, kept selectable so it stays tested). Unset, the web
  // server decides: its own in production, Next's under `pnpm dev` (which reloads edits).
  API_HANDLER: z.preprocess(emptyAsUndefined, z.enum(["server", "next"]).optional()),
  LOG_LEVEL: z.preprocess(emptyAsUndefined, z.enum(LOG_LEVELS).default("info")),
});

/**
 * DATA_DIR as a folder: a relative one is taken from the repository's root, as the default is,
 * not from the current directory: the server and `pnpm auth` run in different packages, and a
 * folder relative to each would be two databases.
 */
function dataDirOf(setting: string | undefined): string {
  // The comments keep Turbopack from tracing the whole project for a path only known at run time.
  if (setting !== undefined && path.isAbsolute(setting)) {
    return path.resolve(/*turbopackIgnore: true*/ setting);
  }
  return path.resolve(/*turbopackIgnore: true*/ findWorkspaceRoot(), setting ?? ".data");
}

/** Every variable the server reads as a setting (NODE_ENV aside), by name. */
export const SETTING_VARIABLES: readonly string[] = Object.keys(schema.shape).filter(
  (name) => name !== "NODE_ENV",
);

/** A secret rotated out of AUTH_SECRET: it verifies, never signs. */
export interface PreviousSecret {
  secret: string;
  /** ms since the epoch from which its tokens are refused; undefined: until it is removed. */
  retiresAt: number | undefined;
}

export interface ServerEnv {
  nodeEnv: "development" | "production" | "test";
  /** Unset: the embedded PostgreSQL in `dataDir` is used (and the demo user seeded). */
  databaseUrl: string | undefined;
  /** Git-ignored folder for the embedded database and the generated secret. */
  dataDir: string;
  authSecret: string | undefined;
  /** Previous signing secrets: their tokens keep verifying until the secret's retirement. */
  previousSecrets: PreviousSecret[];
  /** The one algorithm tokens are signed and verified with. */
  algorithm: Algorithm;
  /** AUTH_SIGNING_KEY: the PEM private key (RS256, PS256, ES256), or for HS256 the secret. */
  signingKey: string | undefined;
  /** The signing key's kid; unset: derived from the key (see keyId in @kit/auth). */
  signingKeyId: string | undefined;
  /** Keys that only verify (AUTH_VERIFICATION_KEYS), each under its kid. */
  verificationKeys: ConfiguredKey[];
  /** `iss` set on tokens and required of them; unset: neither. */
  issuer: string | undefined;
  /** `aud` likewise. */
  audience: string | undefined;
  /** Seconds of clock skew allowed on exp; 0 to 60. */
  clockLeeway: number;
  /** Seconds. */
  accessTtl: number;
  /** Seconds. */
  refreshTtl: number;
  /** Seconds a just-rotated refresh token still returns the current pair; 0 = off. */
  refreshReuseGrace: number;
  /** Seconds from login after which a session ends, whatever its rotations. */
  sessionMaxAge: number;
  /** Seconds an audit event is kept before pruning deletes it; 0 = forever. */
  auditRetention: number;
  /** How many live sessions a server keeps in memory for Bearer calls; 0 = no cache. */
  sessionCacheSize: number;
  /** Seconds a call may wait for a database connection, or run one statement. */
  databaseTimeout: number;
  /**
   * DATABASE_MIGRATE: true (`on`) applies pending migrations at start-up; false (`off`) refuses
   * to start while any is pending, and never changes the schema.
   */
  migrateOnStart: boolean;
  /** Reverse proxies in front of the app; 0 = the connection's own address is the client. */
  trustProxy: number;
  /** Unset: rate-limit state lives in PostgreSQL. */
  redisUrl: string | undefined;
  /** Thresholds set through AUTH_RATE_LIMIT_* (the rest keep their defaults). */
  rateLimits: Partial<RateLimitSettings>;
  /** Password hashes and verifies running at once. */
  hashConcurrency: number;
  /** Password jobs allowed to wait for a slot; more are refused with SERVER_BUSY. */
  hashQueue: number;
  port: number;
  /** The address `pnpm start` and `pnpm serve` listen on; loopback by default. */
  host: string;
  /**
   * The demo user: `auto` creates it on the embedded database and lets it sign in only while the
   * server listens on loopback; `on` also beyond loopback; `off` never.
   */
  demoUser: "auto" | "on" | "off";
  /** Worker processes `pnpm start` runs (WEB_CONCURRENCY; "auto" resolved to the core count). */
  workers: number;
  /** Nice value for libuv's pool threads, where password hashing runs (0: left as they are). */
  threadPoolNice: number;
  /**
   * `server`: `pnpm start` answers the API before Next.js; `next`: through its route handler;
   * null: unset (see `apiAnswerer` in apps/web).
   */
  apiHandler: "server" | "next" | null;
  /** The least severe log line written; `info` includes a line per API call. */
  logLevel: LogLevel;
}

export class EnvError extends Error {
  override readonly name = "EnvError";
  readonly code = "INVALID_ENV";
}

/** Validates the environment once; throws EnvError listing every bad variable. */
export function loadEnv(source: Record<string, string | undefined> = process.env): ServerEnv {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new EnvError(`Invalid environment:\n  ${lines.join("\n  ")}`);
  }
  const env = parsed.data;
  const problems = keyProblems({
    algorithm: env.AUTH_ALGORITHM,
    authSecret: env.AUTH_SECRET,
    previousSecretCount: env.AUTH_SECRET_PREVIOUS.length,
    signingKey: env.AUTH_SIGNING_KEY,
    signingKeyId: env.AUTH_SIGNING_KEY_ID,
    verificationKeys: env.AUTH_VERIFICATION_KEYS,
  });
  const rateLimits = rateLimitsOf(env);
  problems.push(...rateLimitProblems(rateLimits));
  if (problems.length > 0) throw new EnvError(`Invalid environment:\n  ${problems.join("\n  ")}`);
  const workers = env.WEB_CONCURRENCY === "auto" ? availableParallelism() : env.WEB_CONCURRENCY;
  const hashConcurrency = env.AUTH_HASH_CONCURRENCY ?? hashConcurrencyDefault(workers);
  return {
    nodeEnv: env.NODE_ENV,
    databaseUrl: env.DATABASE_URL,
    dataDir: dataDirOf(env.DATA_DIR),
    authSecret: env.AUTH_SECRET,
    previousSecrets: env.AUTH_SECRET_PREVIOUS,
    algorithm: env.AUTH_ALGORITHM,
    signingKey: env.AUTH_SIGNING_KEY,
    signingKeyId: env.AUTH_SIGNING_KEY_ID,
    verificationKeys: env.AUTH_VERIFICATION_KEYS,
    issuer: env.AUTH_ISSUER,
    audience: env.AUTH_AUDIENCE,
    clockLeeway: env.AUTH_CLOCK_LEEWAY,
    accessTtl: env.AUTH_ACCESS_TOKEN_TTL,
    refreshTtl: env.AUTH_REFRESH_TOKEN_TTL,
    refreshReuseGrace: env.AUTH_REFRESH_REUSE_GRACE,
    sessionMaxAge: env.AUTH_SESSION_MAX_AGE,
    auditRetention: env.AUTH_AUDIT_RETENTION,
    sessionCacheSize: env.AUTH_SESSION_CACHE_SIZE,
    databaseTimeout: env.DATABASE_TIMEOUT,
    migrateOnStart: env.DATABASE_MIGRATE === "on",
    trustProxy: env.AUTH_TRUST_PROXY,
    redisUrl: env.REDIS_URL,
    rateLimits,
    hashConcurrency,
    hashQueue: env.AUTH_HASH_QUEUE ?? WAITING_PER_SLOT * hashConcurrency,
    port: env.PORT,
    host: env.HOST,
    demoUser: env.DEMO_USER,
    workers,
    threadPoolNice: env.THREAD_POOL_NICE,
    apiHandler: env.API_HANDLER ?? null,
    logLevel: env.LOG_LEVEL,
  };
}

function rateLimitsOf(env: Record<string, unknown>): Partial<RateLimitSettings> {
  const settings: Partial<RateLimitSettings> = {};
  for (const [name, [setting]] of Object.entries(RATE_LIMIT_VARIABLES)) {
    const value = env[name];
    if (typeof value === "number") settings[setting] = value;
  }
  return settings;
}

/** What the limiter would refuse at start-up, said here so `pnpm auth check` says it too. */
function rateLimitProblems(settings: Partial<RateLimitSettings>): string[] {
  const { loginBurstLockSeconds: lock, loginBurstWindowSeconds: window } = {
    ...DEFAULT_RATE_LIMITS,
    ...settings,
  };
  // The lock is told apart from a plain count by ending before the burst window does.
  return lock < window
    ? []
    : [
        `AUTH_RATE_LIMIT_LOGIN_BURST_LOCK: must be shorter than AUTH_RATE_LIMIT_LOGIN_BURST_WINDOW (here ${lock}s and ${window}s)`,
      ];
}

/**
 * True for an address only this machine can reach: `localhost`, 127.0.0.0/8, `::1` and the
 * IPv6 form of 127.0.0.0/8, in any spelling the system's resolver accepts for them (`127.1`,
 * `0x7f.0.0.1`, `0:0:0:0:0:0:0:1`): read as a URL's host, which writes each the one way.
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.trim().replace(/^\[(.*)\]$/, "$1");
  // A host alone: with a port, a path or a user it is no address at all.
  if (!isIPv6(bare) && bare.includes(":")) return false;
  let url: URL;
  try {
    url = new URL(`http://${isIPv6(bare) ? `[${bare}]` : bare}`);
  } catch {
    return false;
  }
  if (`http://${url.host}/` !== url.href) return false;
  const name = url.hostname;
  return (
    name === "localhost" ||
    name === "[::1]" ||
    /^127\.\d+\.\d+\.\d+$/.test(name) ||
    /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(name)
  );
}

/**
 * Whether the demo user (a published password) may exist and sign in here: never where the
 * server can be reached from other machines, unless DEMO_USER=on says so. A server behind a
 * proxy it was told of (AUTH_TRUST_PROXY) is served to others whatever it listens on.
 */
export function demoUserAllowed(env: Pick<ServerEnv, "host" | "demoUser" | "trustProxy">): boolean {
  if (env.demoUser === "on") return true;
  if (env.demoUser === "off") return false;
  return isLoopbackHost(env.host) && env.trustProxy === 0;
}
