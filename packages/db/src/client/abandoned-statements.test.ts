// A statement the pool gives up on (query_timeout) is cancelled on the server too, for real: a
// throwaway server whose every commit waits for a synchronous standby that never comes (a
// replication stall), where statement_timeout does not act and a dropped connection goes unseen.
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startThrowawayPostgres } from "../embedded/throwaway-postgres";
import { type CommitStall, stallCommits } from "../testing/commit-stall";
import { startFreezableProxy } from "../testing/freezable-proxy";
import type { AbandonedReport } from "./abandoned-statements";
import { createPrismaClient, type PrismaClient, poolOf, type SqlPool } from "./client";

let server: { url: string; stop(): Promise<void> };
let stall: CommitStall;

beforeAll(async () => {
  server = await startThrowawayPostgres();
  const prisma = createPrismaClient(server.url);
  await prisma.$executeRaw`CREATE TABLE stalled_writes (n int)`;
  await prisma.$disconnect();
  stall = await stallCommits(server.url);
});

afterAll(async () => {
  await stall?.end();
  await server?.stop();
});

/** Runs `test` with a client on `url` whose statements time out after 200 ms, then closes it. */
async function withClient(
  url: string,
  test: (prisma: PrismaClient, pool: SqlPool) => Promise<void>,
  reportCancels?: AbandonedReport,
): Promise<void> {
  const prisma = createPrismaClient(url, { timeoutMs: 200, reportCancels });
  try {
    await test(prisma, poolOf(prisma));
  } finally {
    await prisma.$disconnect();
  }
}

const outcome = (pending: Promise<unknown>) =>
  pending.then(
    () => "answered",
    (err: Error) => err.message,
  );

describe("a statement the pool gave up on", () => {
  it("is cancelled on the server, so a commit stall does not pile up connections", async () => {
    const lines: string[] = [];
    const report = { log: (line: string) => lines.push(line), everyMs: 1000 };
    await withClient(
      server.url,
      async (prisma, pool) => {
        const writes = Array.from({ length: 4 }, (_, i) =>
          outcome(pool.query("INSERT INTO stalled_writes VALUES ($1)", [i])),
        );
        const prismaWrite = outcome(prisma.$executeRaw`INSERT INTO stalled_writes VALUES (99)`);
        expect(await Promise.all(writes)).toEqual(Array(4).fill("Query read timeout"));
        expect(await prismaWrite).toMatch(/timeout/i);
        // The commits happened locally (a cancel cannot undo them), and no backend waits on.
        expect(await stall.settle(0, 5000)).toBe(0);
        // Said at the first, then counted: each of the five in a line of its own or in a count.
        // (How many lines depends on how far apart they time out, which a loaded machine
        // stretches; the windows are cancel-report.test.ts's, on a fake clock.)
        const reported = () =>
          lines.reduce((sum, line) => {
            if (/^a statement the database did not answer in time was cancelled/.test(line)) {
              return sum + 1;
            }
            const count = line.match(/^(\d+) more statements? cancelled in the last 1 s$/);
            expect(count, line).not.toBeNull();
            return sum + Number(count?.[1]);
          }, 0);
        await vi.waitFor(() => expect(reported()).toBe(5), { timeout: 5000 });
        expect(lines[0]).toMatch(/^a statement the database did not answer in time was cancelled/);
      },
      report,
    );
  });

  it("in a transaction: its connection is not handed out again while the statement waits", async () => {
    await withClient(server.url, async (prisma, pool) => {
      const failed = await outcome(
        prisma.$transaction(async (tx) => tx.$executeRaw`INSERT INTO stalled_writes VALUES (7)`),
      );
      expect(failed).toMatch(/timeout/i);
      expect(await stall.settle(0, 5000)).toBe(0);
      // Reads need no standby: every connection the pool hands out answers them, none is left
      // behind a COMMIT that never returns.
      const reads = await Promise.all(
        Array.from({ length: 10 }, () => outcome(pool.query("SELECT 1 AS one"))),
      );
      expect(reads).toEqual(Array(10).fill("answered"));
    });
  });

  it("is ended when handed back without the error, not kept idle for the next caller", async () => {
    await withClient(server.url, async (_prisma, pool) => {
      const client = await pool.connect();
      const insert = { text: "INSERT INTO stalled_writes VALUES (8)", query_timeout: 100 };
      expect(await outcome(client.query(insert as pg.QueryConfig))).toBe("Query read timeout");
      // As Prisma hands back a transaction's connection: no error given.
      client.release();
      expect(pool.idleCount).toBe(0);
      expect(await stall.settle(0, 5000)).toBe(0);
    });
  });

  it("sends no cancel for an ordinary error, one for a statement given up on", async () => {
    const proxy = await startFreezableProxy(server.url);
    try {
      await withClient(proxy.url, async (prisma, pool) => {
        await pool.query("SELECT 1");
        for (let i = 0; i < 3; i += 1) {
          expect(await outcome(pool.query("SELECT * FROM no_such_table"))).toMatch(
            /does not exist/,
          );
          expect(await outcome(prisma.$queryRaw`SELECT 1 / 0`)).toMatch(/division by zero/);
        }
        // pg reports an error before the server says it is ready again: not a statement left out.
        expect(await outcome(pool.query("SELECT 1"))).toBe("answered");
        // One connection for the pool (pg-pool replaces a client released with an error: so one
        // more each time), and none for a cancel.
        const opened = proxy.accepted();
        expect(opened).toBe(1 + 6);
        // A statement given up on does send one, on a connection of its own.
        expect(await outcome(pool.query("INSERT INTO stalled_writes VALUES (9)"))).toBe(
          "Query read timeout",
        );
        await vi.waitFor(() => expect(proxy.accepted()).toBe(opened + 1));
        expect(await stall.settle(0, 5000)).toBe(0);
      });
    } finally {
      await proxy.close();
    }
  });
});
