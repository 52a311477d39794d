// Two servers on one database whose clocks differ by seconds (NTP not settled yet, a VM resumed):
// a refresh rotated on one and replayed on the other inside the grace window, as a second tab or
// a retry does behind a load balancer. Each judging by its own clock, the server running ahead
// honoured only grace − skew seconds and called the replay reuse: the session was revoked and its
// owner signed out ("used from somewhere else"). Clock tester, HIGH. Real processes: the skewed
// one has its clock moved ahead at start (test/clock-ahead.mjs).
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { freePort, provisionTestDatabase } from "@kit/db/testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { untilPrinted } from "../../test/process-probes";
import { rateLimitsOff, request, TEST_SECRET, uniqueEmail } from "../../test/test-server";

const apiDir = path.resolve(import.meta.dirname, "../..");
const GRACE = 3;
const AHEAD_MS = 6000;

let database: { url: string; dispose(): Promise<void> };
const children: ChildProcess[] = [];
beforeAll(async () => {
  database = await provisionTestDatabase({ serverUrl: inject("databaseUrl") });
});
afterAll(async () => {
  for (const child of children) {
    if (child.exitCode !== null) continue;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }
  await database?.dispose();
});

/** `pnpm serve`'s server on the shared database; `aheadMs` runs its clock ahead. */
async function serve(aheadMs: number): Promise<{ base: string; output: () => string }> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...rateLimitsOff(),
    PORT: String(port),
    HOST: "127.0.0.1",
    DATABASE_URL: database.url,
    AUTH_SECRET: TEST_SECRET,
    AUTH_REFRESH_REUSE_GRACE: `${GRACE}s`,
    LOG_LEVEL: "warn",
    KIT_TEST_CLOCK_AHEAD_MS: String(aheadMs),
    NODE_OPTIONS: `--import ${path.join(apiDir, "test", "clock-ahead.mjs")} ${process.env.NODE_OPTIONS ?? ""}`,
  };
  delete env.NODE_ENV;
  const child = spawn(path.join(apiDir, "node_modules", ".bin", "tsx"), ["src/bin/serve.ts"], {
    cwd: apiDir,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
  }
  await untilPrinted(child, "standalone tRPC server on");
  return { base: `http://127.0.0.1:${port}`, output: () => output };
}

const post = (base: string, procedure: string, input: unknown) =>
  request(base, `/api/trpc/${procedure}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(input),
  });

describe("the refresh grace window across servers whose clocks differ", () => {
  it("is the whole window on the server whose clock runs ahead: rotation's instants are the database's", {
    timeout: 120_000,
  }, async () => {
    const [onTimeServer, aheadServer] = await Promise.all([serve(0), serve(AHEAD_MS)]);
    const [onTime, ahead] = [onTimeServer.base, aheadServer.base];
    // The operator is told at start-up, by the server whose clock is off and only by it.
    expect(aheadServer.output()).toContain("this machine's clock is 6 s ahead of the database's");
    expect(onTimeServer.output()).not.toContain("machine's clock is");
    const signedUp = await post(onTime, "auth.register", {
      email: uniqueEmail("skew"),
      password: "correct horse battery",
    });
    expect(signedUp.status).toBe(200);
    const t0: string = signedUp.body.result.data.refresh;
    const rotated = await post(onTime, "auth.refresh", { refresh: t0 });
    expect(rotated.status).toBe(200);
    const t1: string = rotated.body.result.data.refresh;
    // At once, from the same client, to the server ahead: 6 s late by its own clock.
    const replayed = await post(ahead, "auth.refresh", { refresh: t0 });
    expect(replayed.body.error?.data.appCode).toBeUndefined();
    expect(replayed.body.result.data.refresh).toBe(t1);
    // The session goes on, on either server.
    expect((await post(ahead, "auth.refresh", { refresh: t1 })).status).toBe(200);
  });
});
