// The production build as `pnpm start` serves it, one process per test server, each on a fresh
// database of its own (so its PostgreSQL rate-limit store starts empty), configured only through
// the environment, as an operator would.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { isAsymmetric } from "@kit/auth";
import { createPrismaClient } from "@kit/db";
import { freePort, provisionTestDatabase } from "@kit/db/testing";
import { inject } from "vitest";
import { RATE_LIMIT_VARIABLES } from "../src/env";
import { withoutEnvFiles } from "./env-isolation";
import {
  httpMethods,
  previousSecretsOf,
  type ServerOptions,
  TEST_SECRET,
  type TestServer,
} from "./test-server";
import "./provided-context";
import { START_TIMEOUT_MS } from "./start-timeout";

const READY = /\[runtime\] ready: (\S+)/;

/** The environment an operator would set for these options. */
export function environmentFor(options: ServerOptions): Record<string, string> {
  const asymmetric = isAsymmetric(options.algorithm ?? "HS256");
  // Empty, not absent: the run's own environment must not slip an AUTH_* setting in.
  const env: Record<string, string> = {
    AUTH_ALGORITHM: options.algorithm ?? "HS256",
    AUTH_SECRET: asymmetric ? "" : (options.secret ?? TEST_SECRET),
    AUTH_SECRET_PREVIOUS: previousSecretsOf(options)
      .map(({ secret, retiresAt }) => (retiresAt ? `${secret}@${retiresAt.toISOString()}` : secret))
      .join(","),
    AUTH_SIGNING_KEY: options.signingKey ?? "",
    AUTH_SIGNING_KEY_ID: options.signingKeyId ?? "",
    AUTH_VERIFICATION_KEYS: JSON.stringify(
      (options.verificationKeys ?? []).map(({ kid, key, retiresAt }) => ({
        kid,
        key,
        ...(retiresAt ? { retiresAt: retiresAt.toISOString() } : {}),
      })),
    ),
    AUTH_ISSUER: options.issuer ?? "",
    AUTH_AUDIENCE: options.audience ?? "",
    AUTH_CLOCK_LEEWAY: String(options.clockLeeway ?? 0),
    AUTH_TRUST_PROXY: String(options.trustProxy ?? 0),
  };
  if (options.accessTtl !== undefined) env.AUTH_ACCESS_TOKEN_TTL = `${options.accessTtl}s`;
  if (options.refreshTtl !== undefined) env.AUTH_REFRESH_TOKEN_TTL = `${options.refreshTtl}s`;
  if (options.refreshReuseGrace !== undefined) {
    env.AUTH_REFRESH_REUSE_GRACE =
      options.refreshReuseGrace === 0 ? "0" : `${options.refreshReuseGrace}s`;
  }
  if (options.sessionMaxAge !== undefined) env.AUTH_SESSION_MAX_AGE = `${options.sessionMaxAge}s`;
  if (options.hashConcurrency !== undefined) {
    env.AUTH_HASH_CONCURRENCY = String(options.hashConcurrency);
  }
  if (options.hashQueue !== undefined) env.AUTH_HASH_QUEUE = String(options.hashQueue);
  if (options.redisUrl !== undefined) env.REDIS_URL = options.redisUrl;
  if (options.logLevel !== undefined) env.LOG_LEVEL = options.logLevel;
  if (options.sessionCacheSize !== undefined) {
    env.AUTH_SESSION_CACHE_SIZE = String(options.sessionCacheSize);
  }
  for (const [name, [setting, kind]] of Object.entries(RATE_LIMIT_VARIABLES)) {
    const value = options.rateLimits?.[setting];
    if (value !== undefined) env[name] = kind === "count" ? String(value) : `${value}s`;
  }
  return env;
}

// Runs the command in a process group of its own that ends with this process, whatever happens.
const SUPERVISOR = fileURLToPath(new URL("./supervise.mjs", import.meta.url));

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

export async function startBuildServer(
  command: string,
  options: ServerOptions,
): Promise<TestServer> {
  const database = options.databaseOf
    ? { url: options.databaseOf.databaseUrl, dispose: async () => {} }
    : await provisionTestDatabase({ serverUrl: inject("databaseUrl") });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [SUPERVISOR, command], {
    stdio: ["pipe", "pipe", "pipe"],
    env: withoutEnvFiles({
      ...process.env,
      ...environmentFor(options),
      NODE_ENV: "production",
      PORT: String(port),
      DATABASE_URL: database.url,
    }),
  });
  let output = "";
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);

  const db = createPrismaClient(database.url);
  const release = async () => {
    await stop(child);
    await db.$disconnect();
    await database.dispose();
  };

  // server.ts listens only once the runtime is ready: any HTTP answer means ready.
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) {
      await release();
      throw new Error(`the build exited before it served (${command}):\n${output}`);
    }
    try {
      await fetch(`${base}/api/trpc/auth.me`);
      break;
    } catch {}
    if (Date.now() > deadline) {
      await release();
      throw new Error(`the build did not answer within ${START_TIMEOUT_MS} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  // Printed once the runtime is ready, which is before server.ts listens.
  let runtimeId = READY.exec(output)?.[1];
  while (runtimeId === undefined) {
    if (Date.now() > deadline) {
      await release();
      throw new Error(`the build never printed "[runtime] ready: <id>":\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    runtimeId = READY.exec(output)?.[1];
  }

  return {
    target: "build",
    runtimeId,
    base,
    db,
    databaseUrl: database.url,
    now: Date.now,
    elapse: (seconds) => new Promise((resolve) => setTimeout(resolve, seconds * 1000)),
    ...httpMethods(base),
    output: () => output,
    close: release,
  };
}
