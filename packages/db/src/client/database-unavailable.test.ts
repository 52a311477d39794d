// isDatabaseUnavailable: each way a real server becomes unusable is recognised as it arrives
// through Prisma, and ordinary query failures are not.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../migrations/migrate";
import {
  type RestartablePostgres,
  startFreezableProxy,
  startRestartablePostgres,
} from "../testing";
import { createPrismaClient, type PrismaClient, poolOf } from "./client";
import { isDatabaseUnavailable } from "./database-unavailable";

/** What a call failed with; a test that expects a failure fails if there was none. */
async function failure(call: Promise<unknown>): Promise<unknown> {
  const outcome = await call.then(
    () => ({ failed: false as const }),
    (error: unknown) => ({ failed: true as const, error }),
  );
  if (!outcome.failed) throw new Error("the call succeeded");
  return outcome.error;
}

/**
 * Takes all ten connections of pg's pool with open transactions that run nothing, and resolves
 * once every one is inside its transaction (a holder that cannot connect rejects it, as what it
 * is). `release` ends them and waits for them.
 */
async function fillPool(prisma: PrismaClient): Promise<{ release: () => Promise<void> }> {
  let free = () => {};
  const held = new Promise<void>((resolve) => {
    free = resolve;
  });
  let inside = 0;
  let allInside = () => {};
  const full = new Promise<void>((resolve) => {
    allInside = resolve;
  });
  const holders = Array.from({ length: 10 }, () =>
    prisma.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT 1`;
        inside += 1;
        if (inside === 10) allInside();
        await held;
      },
      { maxWait: 10_000, timeout: 10_000 },
    ),
  );
  const release = async () => {
    free();
    await Promise.allSettled(holders);
  };
  try {
    await Promise.race([full, Promise.all(holders)]);
  } catch (error) {
    await release();
    throw error;
  }
  return { release };
}

describe("isDatabaseUnavailable on a real server", () => {
  let server: RestartablePostgres;
  const clients: PrismaClient[] = [];
  const client = (options?: Parameters<typeof createPrismaClient>[1]) => {
    const prisma = createPrismaClient(server.url, options);
    clients.push(prisma);
    return prisma;
  };

  beforeAll(async () => {
    server = await startRestartablePostgres();
    await migrate(server.url, {});
  });
  // Each test's pools end with it: idle connections must not meet the next test's outage.
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((prisma) => prisma.$disconnect()));
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it("leaves failures of the query or its data alone", async () => {
    const prisma = client();
    const email = `taken-${Date.now()}@example.com`;
    await prisma.user.create({ data: { email, passwordHash: "x" } });
    const taken = await failure(prisma.user.create({ data: { email, passwordHash: "x" } }));
    const nul = await failure(
      prisma.user.create({ data: { email: "a\u0000b", passwordHash: "x" } }),
    );
    const syntax = await failure(prisma.$queryRawUnsafe("SELEC 1"));
    for (const error of [taken, nul, syntax]) expect(isDatabaseUnavailable(error)).toBe(false);
  });

  it("knows a statement past the timeout (57014)", async () => {
    const error = await failure(client({ timeoutMs: 200 }).$queryRaw`SELECT pg_sleep(2)`);
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it("knows a transaction that outlived its time, each statement in it quick (P2028)", async () => {
    const prisma = client();
    const error = await failure(
      prisma.$transaction(
        async (tx) => {
          // Each statement well inside statement_timeout; together past the transaction's limit.
          for (let i = 0; i < 6; i += 1) await tx.$executeRaw`SELECT pg_sleep(0.1)`;
        },
        { timeout: 300 },
      ),
    );
    expect((error as { code?: string }).code).toBe("P2028");
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it("knows a pool that stays full past the timeout", async () => {
    // 1 s: room for the holders' own connections to open on a machine busy with other suites.
    const prisma = client({ timeoutMs: 1000 });
    const pool = await fillPool(prisma);
    try {
      const started = Date.now();
      const error = await failure(prisma.user.count());
      // Refused by the 1 s timeout, not left to hang (the bound leaves room for a loaded machine).
      expect(Date.now() - started).toBeLessThan(10_000);
      const transaction = await failure(prisma.$transaction(async (tx) => tx.user.count()));
      expect(isDatabaseUnavailable(error)).toBe(true);
      expect(isDatabaseUnavailable(transaction)).toBe(true);
    } finally {
      await pool.release();
    }
  });

  it("knows a transaction that found the pool full (not Prisma's P2028, which it would be at 2 s)", async () => {
    const prisma = client({ timeoutMs: 3000 });
    const pool = await fillPool(prisma);
    try {
      const error = await failure(prisma.$transaction(async (tx) => tx.user.count()));
      expect(isDatabaseUnavailable(error)).toBe(true);
    } finally {
      await pool.release();
    }
  });

  it("knows a transaction that could not start in its time (P2028, its maxWait first)", async () => {
    const prisma = client({ timeoutMs: 3000 });
    const pool = await fillPool(prisma);
    try {
      const error = await failure(
        prisma.$transaction(async (tx) => tx.user.count(), { maxWait: 200 }),
      );
      expect((error as { code?: string }).code).toBe("P2028");
      expect(isDatabaseUnavailable(error)).toBe(true);
    } finally {
      await pool.release();
    }
  });

  it("knows a connection dropped mid-query", async () => {
    const proxy = await startFreezableProxy(server.url);
    try {
      const relayed = createPrismaClient(proxy.url);
      clients.push(relayed);
      await relayed.$queryRaw`SELECT 1`;
      const running = failure(relayed.$queryRaw`SELECT pg_sleep(3)`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      proxy.cut();
      expect(isDatabaseUnavailable(await running)).toBe(true);
    } finally {
      await proxy.close();
    }
  });

  it("knows a server gone silent (no answer, no close), once the timeout has passed", async () => {
    // statement_timeout, which the server enforces, cannot fire there; the call must end all the
    // same.
    const proxy = await startFreezableProxy(server.url);
    try {
      const relayed = createPrismaClient(proxy.url, { timeoutMs: 1000 });
      clients.push(relayed);
      await relayed.$queryRaw`SELECT 1`;
      proxy.freeze();
      // Through Prisma, and through pg on the same pool (as the refresh swap runs): both on the
      // connection already open, which the server no longer answers on.
      expect(isDatabaseUnavailable(await failure(relayed.$queryRaw`SELECT 1`))).toBe(true);
      expect(isDatabaseUnavailable(await failure(poolOf(relayed).query("SELECT 1")))).toBe(true);
    } finally {
      await proxy.close();
    }
  }, 20_000);

  it("knows a session ended by a shutdown (57P01), a refused connection, and recovers", async () => {
    const prisma = client();
    await prisma.$queryRaw`SELECT 1`;
    const running = failure(prisma.$queryRaw`SELECT pg_sleep(3)`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await server.stop();
    expect(isDatabaseUnavailable(await running)).toBe(true);
    expect(isDatabaseUnavailable(await failure(prisma.user.count()))).toBe(true);
    expect(
      isDatabaseUnavailable(await failure(prisma.$transaction(async (tx) => tx.user.count()))),
    ).toBe(true);
    await server.start();
    // The same client: pg's pool makes new connections as they are asked for.
    expect(await prisma.user.count()).toBeGreaterThanOrEqual(0);
  });
});

describe("isDatabaseUnavailable on error shapes", () => {
  const throughAdapter = (cause: Record<string, unknown>, code = "P2039") => ({
    name: "PrismaClientKnownRequestError",
    code,
    meta: { driverAdapterError: { name: "DriverAdapterError", cause } },
  });

  it("knows Prisma's connection codes, the adapter's kinds and PostgreSQL's SQLSTATEs", () => {
    for (const code of ["P1001", "P1002", "P1008", "P1017", "P2024", "P2037"]) {
      expect(isDatabaseUnavailable({ code })).toBe(true);
    }
    expect(isDatabaseUnavailable({ errorCode: "P1001" })).toBe(true);
    expect(isDatabaseUnavailable(throughAdapter({ kind: "ConnectionClosed" }, "P9999"))).toBe(true);
    const sqlstates = ["57P01", "57P02", "57P03", "57014", "53100", "53200", "53300", "08006"];
    for (const sqlstate of [...sqlstates, "08001"]) {
      expect(
        isDatabaseUnavailable(throughAdapter({ kind: "postgres", originalCode: sqlstate })),
      ).toBe(true);
      expect(isDatabaseUnavailable({ code: sqlstate, severity: "FATAL", message: "x" })).toBe(true);
    }
  });

  it("knows socket errors and pg's code-less messages, also as a cause", () => {
    for (const code of ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE"]) {
      expect(isDatabaseUnavailable({ code, syscall: "connect", errno: -1 })).toBe(true);
    }
    expect(isDatabaseUnavailable(new Error("timeout exceeded when trying to connect"))).toBe(true);
    expect(
      isDatabaseUnavailable(
        new Error("wrapped", { cause: new Error("Connection terminated unexpectedly") }),
      ),
    ).toBe(true);
  });

  it("leaves everything else alone", () => {
    expect(
      isDatabaseUnavailable(throughAdapter({ kind: "UniqueConstraintViolation" }, "P2002")),
    ).toBe(false);
    expect(isDatabaseUnavailable(throughAdapter({ kind: "postgres", originalCode: "22021" }))).toBe(
      false,
    );
    expect(isDatabaseUnavailable({ code: "P2025" })).toBe(false);
    expect(isDatabaseUnavailable({ code: "42P01", message: "Connection terminated" })).toBe(false);
    expect(isDatabaseUnavailable(new Error("Connection terminated unexpectedly!"))).toBe(false);
    expect(isDatabaseUnavailable("ECONNREFUSED")).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
    const cycle: { cause?: unknown } = {};
    cycle.cause = cycle;
    expect(isDatabaseUnavailable(cycle)).toBe(false);
  });
});
