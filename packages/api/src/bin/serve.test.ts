// `pnpm serve` as an operator starts it: production unless NODE_ENV=development is set explicitly.
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { freePort, provisionTestDatabase } from "@kit/db/testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

const apiDir = path.resolve(import.meta.dirname, "../..");
const GOOD_SECRET = "serve-test-0123456789-abcdefghijklmnopqrstuvwxyz";
// On the list of values copied from examples: refused in production, a warning in development.
const EXAMPLE_SECRET = "development-secret-change-me-in-production";

let database: { url: string; dispose(): Promise<void> };
beforeAll(async () => {
  database = await provisionTestDatabase({ serverUrl: inject("databaseUrl") });
});
afterAll(async () => {
  await database?.dispose();
});

interface Serve {
  child: ChildProcess;
  port: number;
  output: () => string;
  /** Resolves with the exit code, or with null once the server says it is listening. */
  settled: Promise<number | null>;
}

async function serve(env: Record<string, string | undefined>): Promise<Serve> {
  const port = await freePort();
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env, PORT: String(port) };
  childEnv.DATABASE_URL = database.url;
  if (env.NODE_ENV === undefined) delete childEnv.NODE_ENV;
  const child = spawn(path.join(apiDir, "node_modules", ".bin", "tsx"), ["src/bin/serve.ts"], {
    cwd: apiDir,
    env: childEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const settled = new Promise<number | null>((resolve) => {
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("standalone tRPC server on")) resolve(null);
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    child.once("exit", (code) => resolve(code));
  });
  return { child, port, output: () => output, settled };
}

async function stop(server: Serve): Promise<void> {
  if (server.child.exitCode !== null) return;
  const exited = new Promise((resolve) => server.child.once("exit", resolve));
  server.child.kill("SIGTERM");
  await exited;
}

describe("pnpm serve", () => {
  it("runs in production when NODE_ENV is unset: an example secret stops it in one line", async () => {
    const server = await serve({ NODE_ENV: undefined, AUTH_SECRET: EXAMPLE_SECRET });
    expect(await server.settled).toBe(1);
    const lines = server.output().trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[api\] start-up failed: AUTH_SECRET is a well-known example value/);
  });

  it("refuses to start in production on DATABASE_URL without a secret, in one line", async () => {
    // Before: a warning, then a secret of this host's own, which another instance or the next
    // fresh container would not share (every token refused there).
    const server = await serve({ NODE_ENV: undefined, AUTH_SECRET: undefined });
    expect(await server.settled).toBe(1);
    const lines = server.output().trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^\[api\] start-up failed: AUTH_SECRET is not set: a production server on its own database \(DATABASE_URL\)/,
    );
  });

  it("answers without stack traces when NODE_ENV is unset", async () => {
    const server = await serve({ NODE_ENV: undefined, AUTH_SECRET: GOOD_SECRET });
    try {
      expect(await server.settled).toBeNull();
      expect(server.output()).toContain("(production)");
      const res = await fetch(`http://127.0.0.1:${server.port}/api/trpc/auth.me`);
      const body = (await res.json()) as { error: { data: Record<string, unknown> } };
      expect(res.status).toBe(401);
      expect(body.error.data.stack).toBeUndefined();
    } finally {
      await stop(server);
    }
  });

  it("is development only when NODE_ENV=development says so", async () => {
    const server = await serve({ NODE_ENV: "development", AUTH_SECRET: EXAMPLE_SECRET });
    try {
      expect(await server.settled).toBeNull();
      expect(server.output()).toContain("(development)");
      const res = await fetch(`http://127.0.0.1:${server.port}/api/trpc/auth.me`);
      const body = (await res.json()) as { error: { data: Record<string, unknown> } };
      expect(body.error.data.stack).toEqual(expect.any(String));
    } finally {
      await stop(server);
    }
  });
});
