// The HTTP suite's server: one interface, two targets. By default the router on the standalone
// server in this process; with KIT_TEST_SERVER set (a command that starts the production build,
// as apps/web's `test:api` sets it), the same tests run against that build, started per server.

import type { Algorithm } from "@kit/auth";
import type { PrismaClient } from "@kit/db";
import { afterEach } from "vitest";
import { RATE_LIMIT_VARIABLES } from "../src/env";
import type { LogLevel } from "../src/log-levels";
import type { RateLimitSettings } from "../src/rate-limit";
import { startBuildServer } from "./build-server";
import { startInProcessServer } from "./in-process-server";

export const TEST_SECRET = "test-secret-0123456789-abcdefghijklmnopqrstuvwxyz";

export interface Reply {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: wire JSON, asserted field by field in tests
  body: any;
}

/** Settings both targets honour: in-process they build the deps, on the build the environment. */
export interface ServerOptions {
  /** AUTH_ACCESS_TOKEN_TTL, seconds; default 30 min. */
  accessTtl?: number;
  /** AUTH_REFRESH_TOKEN_TTL, seconds; default 7 days. */
  refreshTtl?: number;
  /** AUTH_REFRESH_REUSE_GRACE, whole seconds; default 10; 0 turns it off. */
  refreshReuseGrace?: number;
  /** AUTH_SESSION_MAX_AGE, seconds; default 30 days. */
  sessionMaxAge?: number;
  /** AUTH_RATE_LIMIT_*: the other thresholds keep their defaults. */
  rateLimits?: Partial<RateLimitSettings>;
  /** REDIS_URL, the limiter's store; default the database's table (in process: memory). */
  redisUrl?: string;
  /** AUTH_HASH_CONCURRENCY: password hashes at once; default one core fewer than the machine's. */
  hashConcurrency?: number;
  /** AUTH_HASH_QUEUE: password jobs that may wait; default 64 × hashConcurrency. */
  hashQueue?: number;
  /** AUTH_SESSION_CACHE_SIZE; default 10000 (as in production); 0 turns the cache off. */
  sessionCacheSize?: number;
  /** AUTH_TRUST_PROXY; default 0. */
  trustProxy?: number;
  /** AUTH_SECRET; default TEST_SECRET. */
  secret?: string;
  /** AUTH_SECRET_PREVIOUS: each secret, with its retirement time (`<secret>@<ISO time>`) if any. */
  previousSecrets?: (string | { secret: string; retiresAt?: Date })[];
  /** AUTH_ALGORITHM; default HS256 (signing with `secret`). */
  algorithm?: Algorithm;
  /** AUTH_SIGNING_KEY: the PEM private key for RS256, PS256, ES256 (then no AUTH_SECRET is set). */
  signingKey?: string;
  /** AUTH_SIGNING_KEY_ID; default derived from the key. */
  signingKeyId?: string;
  /** AUTH_VERIFICATION_KEYS: PEM public keys (or secrets, for HS256) under their kids. */
  verificationKeys?: { kid: string; key: string; retiresAt?: Date }[];
  /** AUTH_ISSUER. */
  issuer?: string;
  /** AUTH_AUDIENCE. */
  audience?: string;
  /** AUTH_CLOCK_LEEWAY, seconds; default 0. */
  clockLeeway?: number;
  /** LOG_LEVEL; default info. */
  logLevel?: LogLevel;
  /**
   * A fresh database for this server alone, for tests that break it on purpose. The build
   * always has one (its rate-limit store must start empty); in process the default is the run's.
   */
  ownDatabase?: boolean;
  /**
   * Restarts on another server's database (as an operator changing a setting would), or runs on
   * a database the test owns (a private PostgreSQL it may stop).
   */
  databaseOf?: Pick<TestServer, "databaseUrl">;
}

export type Target = "standalone" | "build";

/** `previousSecrets` with each entry in one shape. */
export function previousSecretsOf(options: ServerOptions): { secret: string; retiresAt?: Date }[] {
  return (options.previousSecrets ?? []).map((previous) =>
    typeof previous === "string" ? { secret: previous } : previous,
  );
}

export interface TestServer {
  target: Target;
  /**
   * The runtime's id, the prefix of its connections' `application_name` (the session cache's
   * listener is `<runtimeId>:session-listener`); in process, an id of the same kind.
   */
  runtimeId: string;
  base: string;
  /** A Prisma client on the server's own database, to look at or change what the server sees. */
  db: PrismaClient;
  /** That database's URL. */
  databaseUrl: string;
  /** The server's clock, ms since the epoch. */
  now(): number;
  /**
   * Lets `seconds` pass for the server: in process the injected clock jumps (instantly); on the
   * build, which runs on the real clock, the test waits. Keep lifetimes short where it is used.
   */
  elapse(seconds: number): Promise<void>;
  post(path: string, input?: unknown, headers?: Record<string, string>): Promise<Reply>;
  get(path: string, input?: unknown, headers?: Record<string, string>): Promise<Reply>;
  raw(path: string, init?: RequestInit): Promise<Reply>;
  /** What the server has logged so far (the build: its stdout and stderr). */
  output(): string;
  close(): Promise<void>;
}

/** The command that starts the production build, when the suite runs against it. */
const buildCommand = process.env.KIT_TEST_SERVER || undefined;

/** Which server this run's HTTP suite talks to. */
export const target: Target = buildCommand ? "build" : "standalone";

/** A server of this run's target over a database that the tests can reach too. */
export function startTestServer(options: ServerOptions = {}): Promise<TestServer> {
  return buildCommand ? startBuildServer(buildCommand, options) : startInProcessServer(options);
}

/**
 * For test files that need servers with their own settings: call once at the top of the file;
 * the function it returns starts one, and every server started in a test is closed after it.
 * `start` picks another kind of server (an in-process one, for tests that need its deps).
 */
export function serversPerTest<
  O extends ServerOptions = ServerOptions,
  S extends TestServer = TestServer,
>(
  start: (options: O) => Promise<S> = startTestServer as unknown as (options: O) => Promise<S>,
): (options?: O) => Promise<S> {
  let servers: S[] = [];
  afterEach(async () => {
    await Promise.all(servers.map((server) => server.close()));
    servers = [];
  });
  return async (options = {} as O) => {
    const server = await start(options);
    servers.push(server);
    return server;
  };
}

/** Fetches and parses, keeping the status and headers. */
export async function request(base: string, path: string, init?: RequestInit): Promise<Reply> {
  const res = await fetch(`${base}${path}`, init);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: res.status, headers: res.headers, body };
}

/** post/get/raw for a server at `base`. */
export function httpMethods(base: string): Pick<TestServer, "post" | "get" | "raw"> {
  const raw = (path: string, init?: RequestInit) => request(base, path, init);
  return {
    raw,
    post(path, input, headers = {}) {
      return raw(`/api/trpc/${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: input === undefined ? undefined : JSON.stringify(input),
      });
    },
    get(path, input, headers = {}) {
      const query =
        input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`;
      return raw(`/api/trpc/${path}${query}`, { headers });
    },
  };
}

let counter = 0;
/** A unique email per call, so tests sharing the run's database never collide. */
export function uniqueEmail(tag = "user"): string {
  counter += 1;
  return `${tag}-${process.pid}-${Date.now()}-${counter}@example.com`;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Every AUTH_RATE_LIMIT_* count as high as it goes (windows keep their defaults): for load tests. */
export function rateLimitsOff(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(RATE_LIMIT_VARIABLES)
      .filter(([, [, kind]]) => kind === "count")
      .map(([name]) => [name, "1000000000"]),
  );
}
