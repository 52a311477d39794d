// The refresh swap's group commit on the real database: concurrent swaps share one statement,
// and each still gets exactly the answer it would get alone.
import { randomUUID } from "node:crypto";
import { createLoggedPrismaClient, type LoggedPrismaClient } from "@kit/db/testing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { buildTestDeps } from "../../test/in-process-server";
import { uniqueEmail } from "../../test/test-server";
import type { AppDeps } from "../deps";
import { openSession } from "./sessions";
import {
  runSwaps,
  SWAP_BATCH,
  type SwapRequest,
  type SwapResult,
  swapRefresh,
} from "./swap-refresh";

const client = { clientIp: "203.0.113.9", userAgent: "swap-refresh" };

let logged: LoggedPrismaClient;
let deps: AppDeps;
beforeAll(() => {
  logged = createLoggedPrismaClient(inject("databaseUrl"));
  deps = buildTestDeps(logged.prisma);
});
afterAll(async () => {
  await deps?.limiter.close();
  await logged?.close();
});

/** A new user with an open session, and the swap request that would rotate it now. */
async function openChain(): Promise<SwapRequest> {
  const user = await logged.prisma.user.create({
    data: { email: uniqueEmail("swap"), passwordHash: "not-a-hash" },
    select: { id: true, email: true, name: true, role: true },
  });
  const opened = await openSession(deps, user, "not-a-hash", client, "login_succeeded");
  const claims = deps.tokens.verifyRefresh(opened.refresh);
  const now = deps.now();
  return {
    userId: user.id,
    sessionId: opened.sessionId,
    jti: claims.jti,
    nextJti: randomUUID(),
    nextExpiresAtMs: now + 3600_000,
    fingerprint: "client:swap-test",
    nowMs: now,
    client,
  };
}

/** The same chain's next swap: presents the jti the last one put in. */
const next = (request: SwapRequest): SwapRequest => ({
  ...request,
  jti: request.nextJti,
  nextJti: randomUUID(),
});

const session = (id: string) => logged.prisma.session.findUniqueOrThrow({ where: { id } });
const refreshedEvents = (sessionId: string) =>
  logged.prisma.authEvent.count({ where: { sessionId, type: "refreshed" } });
const swapStatements = () =>
  logged.statements.filter((text) => text.includes("UPDATE sessions SET")).length;

/**
 * A pool whose statements plan as on a sessions table too large to scan: each walks its batch in
 * the batch's own order (on the tests' small table the planner scans it in one order for all).
 */
const walkInOrder = () =>
  new pg.Pool({
    connectionString: inject("databaseUrl"),
    options: "-c enable_seqscan=off -c enable_hashjoin=off -c enable_mergejoin=off",
  });

/**
 * 30 rounds in which two sides swap the same 32 sessions, one side in order and the other in
 * reverse (null: that side's batch failed). Never both swaps of a session, and with
 * `exactlyOne`, always one; each chain goes on from the swap that took, and at the end every
 * session has exactly as many `refreshed` events as swaps took: a failed batch left none.
 */
async function opposingRounds(
  run: (
    forward: SwapRequest[],
    backward: SwapRequest[],
  ) => Promise<Array<readonly SwapResult[] | null>>,
  { exactlyOne = false } = {},
): Promise<void> {
  let chains = await Promise.all(Array.from({ length: 32 }, openChain));
  const swaps = new Map(chains.map((request) => [request.sessionId, 0]));
  for (let round = 0; round < 30; round += 1) {
    const forward = chains;
    const backward = chains.map((request) => ({ ...request, nextJti: randomUUID() })).reverse();
    const [a, b] = await run(forward, backward);
    chains = forward.map((request, i) => {
      const mirror = forward.length - 1 - i;
      const viaA = a?.[i]?.swapped === true;
      const viaB = b?.[mirror]?.swapped === true;
      expect(viaA && viaB).toBe(false);
      if (exactlyOne) expect(viaA || viaB).toBe(true);
      if (!viaA && !viaB) return request;
      swaps.set(request.sessionId, (swaps.get(request.sessionId) ?? 0) + 1);
      return next(viaA ? request : (backward[mirror] as SwapRequest));
    });
  }
  for (const [sessionId, count] of swaps) expect(await refreshedEvents(sessionId)).toBe(count);
}

describe("swapRefresh's batches", () => {
  it("rotates sessions swapped at once in one statement, each with its own user and event", async () => {
    const chains = await Promise.all(Array.from({ length: 12 }, openChain));
    logged.statements.length = 0;
    const results = await Promise.all(chains.map((request) => swapRefresh(deps, request)));
    expect(swapStatements()).toBe(1);
    for (const [i, request] of chains.entries()) {
      expect(results[i]).toMatchObject({ swapped: true, user: { id: request.userId } });
      const row = await session(request.sessionId);
      expect(row.refreshJti).toBe(request.nextJti);
      expect(row.previousJti).toBe(request.jti);
      expect(await refreshedEvents(request.sessionId)).toBe(1);
    }
  });

  it("answers each request of a mixed batch as it would alone", async () => {
    const [good, reused, inactive, revoked, stranger, pastCap] = await Promise.all(
      Array.from({ length: 6 }, openChain),
    );
    if (!good || !reused || !inactive || !revoked || !stranger || !pastCap) throw new Error();
    await logged.prisma.user.update({ where: { id: inactive.userId }, data: { isActive: false } });
    await logged.prisma.session.update({
      where: { id: revoked.sessionId },
      data: { revokedAt: new Date() },
    });
    const cap = (await session(pastCap.sessionId)).absoluteExpiresAt;
    const batch = [
      good,
      { ...reused, jti: randomUUID() },
      inactive,
      revoked,
      // Someone else's session: the user id does not own it.
      { ...stranger, userId: good.userId },
      { ...pastCap, nextExpiresAtMs: cap.getTime() + 1000 },
    ];
    logged.statements.length = 0;
    const results = await Promise.all(batch.map((request) => swapRefresh(deps, request)));
    expect(swapStatements()).toBe(1);
    expect(results).toEqual([
      { swapped: true, user: expect.objectContaining({ id: good.userId }) },
      { swapped: false, absoluteExpiresAt: (await session(reused.sessionId)).absoluteExpiresAt },
      { swapped: false, absoluteExpiresAt: null },
      { swapped: false, absoluteExpiresAt: (await session(revoked.sessionId)).absoluteExpiresAt },
      { swapped: false, absoluteExpiresAt: null },
      { swapped: false, absoluteExpiresAt: cap },
    ]);
    for (const request of [reused, inactive, revoked, stranger, pastCap]) {
      expect((await session(request.sessionId)).refreshJti).toBe(request.jti);
      expect(await refreshedEvents(request.sessionId)).toBe(0);
    }
  });

  it("never swaps one session twice in a batch: the second finds the first's swap", async () => {
    const request = await openChain();
    logged.statements.length = 0;
    const results = await Promise.all([
      swapRefresh(deps, request),
      swapRefresh(deps, { ...request, nextJti: randomUUID() }),
    ]);
    expect(results.map((result) => result.swapped)).toEqual([true, false]);
    expect(swapStatements()).toBe(2);
    expect((await session(request.sessionId)).refreshJti).toBe(request.nextJti);
    expect(await refreshedEvents(request.sessionId)).toBe(1);
  });

  it("keeps one request's unstorable text its own: the others of its batch still rotate", async () => {
    const [good, poisoned] = await Promise.all([openChain(), openChain()]);
    if (!good || !poisoned) throw new Error();
    const results = await Promise.allSettled([
      swapRefresh(deps, good),
      swapRefresh(deps, { ...poisoned, client: { ...client, userAgent: "nul\u0000agent" } }),
    ]);
    expect(results[0]).toMatchObject({ status: "fulfilled", value: { swapped: true } });
    expect(results[1]).toMatchObject({ status: "rejected", reason: { code: "22021" } });
    expect((await session(good.sessionId)).refreshJti).toBe(good.nextJti);
    expect((await session(poisoned.sessionId)).refreshJti).toBe(poisoned.jti);
  });

  it("never lets a batch wait for, or deadlock on, a session another batch holds", async () => {
    const [one, other] = [walkInOrder(), walkInOrder()];
    try {
      await opposingRounds(async (forward, backward) => {
        const settled = await Promise.allSettled([
          runSwaps(one, forward),
          runSwaps(other, backward),
        ]);
        // Each batch either ran or found a session locked (55P03): never a deadlock, never a wait.
        return settled.map((result) => {
          if (result.status === "fulfilled") return result.value;
          expect(result.reason).toMatchObject({ code: "55P03" });
          return null;
        });
      });
    } finally {
      await Promise.all([one.end(), other.end()]);
    }
  });

  it("never deadlocks when two servers batch the same sessions in opposite orders", async () => {
    // Two servers: each its own pool, so each its own batcher.
    const [one, other] = [
      { ...deps, pool: walkInOrder() },
      { ...deps, pool: walkInOrder() },
    ];
    try {
      const swapAll = (on: AppDeps, batch: SwapRequest[]) =>
        Promise.all(batch.map((request) => swapRefresh(on, request)));
      await opposingRounds(
        async (forward, backward) => Promise.all([swapAll(one, forward), swapAll(other, backward)]),
        { exactlyOne: true },
      );
    } finally {
      await Promise.all([one.pool.end(), other.pool.end()]);
    }
  });

  it("never holds a batch up for a session another transaction has locked", async () => {
    const [free, held] = await Promise.all([openChain(), openChain()]);
    if (!free || !held) throw new Error();
    const holder = new pg.Client({ connectionString: inject("databaseUrl") });
    await holder.connect();
    try {
      await holder.query("BEGIN");
      await holder.query("SELECT id FROM sessions WHERE id = $1 FOR UPDATE", [held.sessionId]);
      const heldSwap = swapRefresh(deps, held);
      // The free session rotates while the other one is still locked...
      await expect(swapRefresh(deps, free)).resolves.toMatchObject({ swapped: true });
      let heldSettled = false;
      void heldSwap.finally(() => {
        heldSettled = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(heldSettled).toBe(false);
      // ...and the locked one waits for the lock, then rotates, as it would alone.
      await holder.query("COMMIT");
      await expect(heldSwap).resolves.toMatchObject({ swapped: true });
      expect(await refreshedEvents(held.sessionId)).toBe(1);
    } finally {
      await holder.end();
    }
  });

  it("batches at most maxBatch swaps per statement", async () => {
    const chains = await Promise.all(
      Array.from({ length: SWAP_BATCH.maxBatch + 1 }, () => openChain()),
    );
    logged.statements.length = 0;
    const results = await Promise.all(chains.map((request) => swapRefresh(deps, request)));
    expect(results.every((result) => result.swapped)).toBe(true);
    expect(swapStatements()).toBe(2);
  });
});
