// A real standalone server on a free port over the run's database, with a clock tests can move.
import type { AddressInfo } from "node:net";
import { createSecretKey, createTokenService } from "@kit/auth";
import { createPrismaClient, type PrismaClient } from "@kit/db";
import { afterEach, inject } from "vitest";
import type { AppDeps } from "../src/deps";
import { createStandaloneServer } from "../src/http/standalone";
import {
  type AuthRateLimiter,
  createAuthRateLimiter,
  type RateLimitSettings,
} from "../src/rate-limit";

export const TEST_SECRET = "test-secret-0123456789-abcdefghijklmnopqrstuvwxyz";

export interface Reply {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: wire JSON, asserted field by field in tests
  body: any;
}

export interface TestServer {
  base: string;
  deps: AppDeps;
  /** Moves the shared clock (tokens and database timestamps) forward. */
  advance(seconds: number): void;
  post(path: string, input?: unknown, headers?: Record<string, string>): Promise<Reply>;
  get(path: string, input?: unknown, headers?: Record<string, string>): Promise<Reply>;
  raw(path: string, init?: RequestInit): Promise<Reply>;
  close(): Promise<void>;
}

export interface TestDepsOptions {
  accessTtl?: number;
  refreshTtl?: number;
  exposeErrors?: boolean;
  /** Default: the production thresholds in memory. A limiter passed in is the caller's to close. */
  limiter?: AuthRateLimiter;
  /** Thresholds for the default in-memory limiter. */
  rateLimits?: Partial<RateLimitSettings>;
  /** Default 10 s, as in production. */
  refreshReuseGraceMs?: number;
  /** Default 30 days, as in production. */
  sessionMaxAgeMs?: number;
  /** AUTH_TRUST_PROXY; default 0. */
  trustProxy?: number;
  now?: () => number;
  /** Default TEST_SECRET. */
  secret?: string;
  /** Secrets rotated out (AUTH_SECRET_PREVIOUS). */
  previousSecrets?: string[];
}

/** Deps as production builds them, on a given Prisma client, with test-friendly overrides. */
export function buildTestDeps(prisma: PrismaClient, options: TestDepsOptions = {}): AppDeps {
  const now = options.now ?? Date.now;
  const limiter =
    options.limiter ??
    createAuthRateLimiter({ store: { kind: "memory" }, settings: options.rateLimits });
  return {
    prisma,
    now,
    exposeErrors: options.exposeErrors ?? false,
    limiter,
    trustProxy: options.trustProxy ?? 0,
    sessions: {
      refreshReuseGraceMs: options.refreshReuseGraceMs ?? 10_000,
      sessionMaxAgeMs: options.sessionMaxAgeMs ?? 30 * 24 * 3600_000,
    },
    tokens: createTokenService({
      key: createSecretKey(options.secret ?? TEST_SECRET),
      previousKeys: (options.previousSecrets ?? []).map((secret) => createSecretKey(secret)),
      accessTtl: options.accessTtl ?? 30 * 60,
      refreshTtl: options.refreshTtl ?? 7 * 24 * 3600,
      now,
    }),
  };
}

export async function startTestServer(options: TestDepsOptions = {}): Promise<TestServer> {
  let offset = 0;
  const now = () => Date.now() + offset;
  const prisma = createPrismaClient(inject("databaseUrl"));
  const deps = buildTestDeps(prisma, { ...options, now });
  const server = createStandaloneServer(deps);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function raw(path: string, init?: RequestInit): Promise<Reply> {
    const res = await fetch(`${base}${path}`, init);
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {}
    return { status: res.status, headers: res.headers, body };
  }

  return {
    base,
    deps,
    advance(seconds) {
      offset += seconds * 1000;
    },
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
    raw,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await prisma.$disconnect();
      if (!options.limiter) await deps.limiter.close();
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

/**
 * For test files that need servers with their own settings: call once at the top of the file;
 * the function it returns starts one, and every server started in a test is closed after it.
 */
export function serversPerTest(): (options?: TestDepsOptions) => Promise<TestServer> {
  let servers: TestServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.map((server) => server.close()));
    servers = [];
  });
  return async (options = {}) => {
    const server = await startTestServer(options);
    servers.push(server);
    return server;
  };
}
