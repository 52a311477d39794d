// The mark of a rotation whose answer never reached its client, against a real PostgreSQL: it
// must wait for a swap whose commit is still held, not take the row as it was before it.
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type InProcessServer, startInProcessServer } from "../../test/in-process-server";
import { uniqueEmail } from "../../test/test-server";
import {
  MAX_WAITING,
  MAX_WAITING_PER_SESSION,
  markUnanswered,
  waitingToMark,
} from "./unanswered-rotations";

let api: InProcessServer;
beforeAll(async () => {
  api = await startInProcessServer();
});
afterAll(async () => {
  await api?.close();
});

const FINGERPRINT = "device:unanswered-test";
const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString());

async function session() {
  const reply = await api.post("auth.register", {
    email: uniqueEmail("unanswered"),
    password: "correct horse battery",
  });
  const { sid, jti } = claimsOf(reply.body.result.data.refresh);
  return { sid: sid as string, jti: jti as string };
}

/** What the server that gave up on a rotation does: mark it, for the next hour. */
const markLate = (rotation: { sid: string; jti: string; next: string; fingerprint?: string }) =>
  markUnanswered(api.deps, {
    sessionId: rotation.sid,
    jti: rotation.jti,
    nextJti: rotation.next,
    fingerprint: rotation.fingerprint ?? FINGERPRINT,
    untilMs: Date.now() + 3600_000,
  });

/** A pool of one connection with a short wait for it: a server's swaps, when given it. */
const onePool = () =>
  new pg.Pool({ connectionString: inject("databaseUrl"), max: 1, connectionTimeoutMillis: 300 });

/** A refresh on `server` answered 503: `pool`'s one connection is held meanwhile (the swap's). */
async function refreshFailingForConnection(server: InProcessServer, pool: pg.Pool) {
  const held = await pool.connect();
  try {
    const registered = await server.post("auth.register", {
      email: uniqueEmail("unanswered-unsent"),
      password: "correct horse battery",
    });
    const given = await server.post("auth.refresh", {
      refresh: registered.body.result.data.refresh,
    });
    expect(given.body.error?.data?.appCode).toBe("DB_UNAVAILABLE");
  } finally {
    held.release();
  }
}

const unansweredOf = async (sid: string) =>
  (await api.db.session.findUniqueOrThrow({ where: { id: sid } })).unansweredJti;

describe("markUnanswered", () => {
  it("waits for a swap whose commit is still held, and marks it once it commits", async () => {
    const { sid, jti } = await session();
    const next = randomUUID();
    await api.db.$transaction(
      async (tx) => {
        // The swap, done and not yet committed (as while a synchronous standby is away).
        await tx.$executeRaw`
          UPDATE sessions SET refresh_jti = ${next}::uuid, previous_jti = ${jti}::uuid,
            rotated_by = ${FINGERPRINT}, rotated_at = now()
          WHERE id = ${sid}::uuid`;
        markLate({ sid, jti, next });
        // The mark's first try (0.5 s) meets the held row and must wait for it.
        await new Promise((resolve) => setTimeout(resolve, 1500));
      },
      { timeout: 10_000 },
    );
    await expect.poll(() => unansweredOf(sid), { timeout: 10_000, interval: 100 }).toBe(jti);
  });

  it("marks nothing for a swap that never took, nor for another client's rotation", async () => {
    const untouched = await session();
    const other = await session();
    await api.db.$executeRaw`
      UPDATE sessions SET refresh_jti = ${randomUUID()}::uuid, previous_jti = ${other.jti}::uuid,
        rotated_by = 'device:someone-else', rotated_at = now()
      WHERE id = ${other.sid}::uuid`;
    for (const { sid, jti } of [untouched, other]) {
      markLate({ sid, jti, next: randomUUID() });
    }
    // Give the marker its tries, then look.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await unansweredOf(untouched.sid)).toBeNull();
    expect(await unansweredOf(other.sid)).toBeNull();
  });

  it("finds the retry's swap that took among those of one session that did not", async () => {
    const { sid, jti } = await session();
    const took = randomUUID();
    // Three retries of one token during an outage: only the second ever reached the database.
    for (const nextJti of [randomUUID(), took, randomUUID()]) {
      markLate({ sid, jti, next: nextJti });
    }
    await api.db.$executeRaw`
      UPDATE sessions SET refresh_jti = ${took}::uuid, previous_jti = ${jti}::uuid,
        rotated_by = ${FINGERPRINT}, rotated_at = now()
      WHERE id = ${sid}::uuid`;
    await expect.poll(() => unansweredOf(sid), { timeout: 10_000, interval: 100 }).toBe(jti);
  });
});

describe("the rotations waiting to be marked", () => {
  const waiting = (sid: string, jti: string, next = randomUUID()) => markLate({ sid, jti, next });
  const swap = (sid: string, jti: string, next: string) => api.db.$executeRaw`
    UPDATE sessions SET refresh_jti = ${next}::uuid, previous_jti = ${jti}::uuid,
      rotated_by = ${FINGERPRINT}, rotated_at = now()
    WHERE id = ${sid}::uuid`;

  it("holds a few per session: one client's flood of retries crowds out no other session", async () => {
    // (Earlier tests may leave a rotation or two to the marker's next tries.)
    const before = waitingToMark(api.deps.prisma);
    const quiet = await session();
    const quietNext = randomUUID();
    await swap(quiet.sid, quiet.jti, quietNext);
    waiting(quiet.sid, quiet.jti, quietNext);
    // One client retrying through an outage, more times than the process keeps in all; its
    // first try is the one that took.
    const flood = await session();
    const took = randomUUID();
    await swap(flood.sid, flood.jti, took);
    waiting(flood.sid, flood.jti, took);
    for (let i = 0; i < MAX_WAITING + 50; i += 1) waiting(flood.sid, flood.jti);
    expect(waitingToMark(api.deps.prisma)).toBeLessThanOrEqual(
      before + MAX_WAITING_PER_SESSION + 1,
    );
    await expect
      .poll(() => unansweredOf(quiet.sid), { timeout: 10_000, interval: 100 })
      .toBe(quiet.jti);
    await expect
      .poll(() => unansweredOf(flood.sid), { timeout: 10_000, interval: 100 })
      .toBe(flood.jti);
  });

  it("leaves out a swap that never left (no connection could be had): it cannot have taken", async () => {
    const pool = onePool();
    const server = await startInProcessServer({ pool });
    try {
      await refreshFailingForConnection(server, pool);
      expect(waitingToMark(server.deps.prisma)).toBe(0);
    } finally {
      await server.close();
      await pool.end();
    }
  });
});

describe("a retry on another server that waited on the session's row", () => {
  /**
   * A session rotated once over HTTP (its rotation then records this test client's fingerprint,
   * which the retries will have), and what a swap of its token that a server gave up on puts in.
   */
  async function rotatedOverHttp() {
    const registered = await api.post("auth.register", {
      email: uniqueEmail("unanswered-elsewhere"),
      password: "correct horse battery",
    });
    const rotated = await api.post("auth.refresh", {
      refresh: registered.body.result.data.refresh,
    });
    const token: string = rotated.body.result.data.refresh;
    const { sid, jti } = claimsOf(token);
    const { rotatedBy } = await api.db.session.findUniqueOrThrow({ where: { id: sid } });
    return { token, sid, jti, fingerprint: rotatedBy ?? "", next: randomUUID() };
  }

  /** That swap, made well past the grace window's reach (`db`: a transaction that holds it). */
  const swapOf = (
    db: { $executeRaw: typeof api.db.$executeRaw },
    { sid, jti, fingerprint, next }: Awaited<ReturnType<typeof rotatedOverHttp>>,
  ) => db.$executeRaw`
    UPDATE sessions SET refresh_jti = ${next}::uuid, previous_jti = ${jti}::uuid,
      rotated_by = ${fingerprint}, rotated_at = now() - interval '1 minute'
    WHERE id = ${sid}::uuid`;

  /**
   * The swap commits while the client's retry, on `other`, waits on the row (the commit held,
   * as while a synchronous standby is away). The retry's answer is still to come.
   */
  async function retryWaitingOnRow(other: InProcessServer) {
    const session = await rotatedOverHttp();
    const { token, sid, jti, next, fingerprint } = session;
    let retry: ReturnType<typeof other.post> | undefined;
    await api.db.$transaction(
      async (tx) => {
        await swapOf(tx, session);
        retry = other.post("auth.refresh", { refresh: token });
        await sleep(1500);
      },
      { timeout: 10_000 },
    );
    return { retry: retry as ReturnType<typeof other.post>, sid, jti, next, fingerprint };
  }

  it("gets the current pair once the server that gave up marks the rotation, a moment later", async () => {
    // Its own database client, so its own marker: another server, as far as marks go.
    const other = await startInProcessServer();
    try {
      const { retry, sid, jti, next, fingerprint } = await retryWaitingOnRow(other);
      // The server that gave up marks it only after the retry's swap has gone through.
      await sleep(500);
      markLate({ sid, jti, next, fingerprint });
      const answered = await retry;
      expect(answered.body.error?.data?.appCode).toBeUndefined();
      expect(answered.status).toBe(200);
      expect(claimsOf(answered.body.result.data.refresh).jti).toBe(next);
      const session = await api.db.session.findUniqueOrThrow({ where: { id: sid } });
      expect(session.revokedAt).toBeNull();
    } finally {
      await other.close();
    }
  }, 30_000);

  it("waits too, with no row to wait on, on a server that met the database in trouble lately", async () => {
    // The other server's refresh fails (503), as writes everywhere do while commits stall.
    const pool = onePool();
    const other = await startInProcessServer({ pool });
    try {
      await refreshFailingForConnection(other, pool);

      const session = await rotatedOverHttp();
      const { token, sid, jti, next, fingerprint } = session;
      // The held swap has just committed; the server that gave up on it has not marked it yet.
      await swapOf(api.db, session);
      const retry = other.post("auth.refresh", { refresh: token });
      await sleep(500);
      markLate({ sid, jti, next, fingerprint });
      const answered = await retry;
      expect(answered.body.error?.data?.appCode).toBeUndefined();
      expect(claimsOf(answered.body.result.data.refresh).jti).toBe(next);
    } finally {
      await other.close();
      await pool.end();
    }
  }, 30_000);

  it("is reuse when no mark comes (the server that gave up stopped), after the wait", async () => {
    const other = await startInProcessServer();
    try {
      const { retry, sid } = await retryWaitingOnRow(other);
      const answered = await retry;
      expect(answered.body.error?.data?.appCode).toBe("TOKEN_REUSED");
      const session = await api.db.session.findUniqueOrThrow({ where: { id: sid } });
      expect(session.revokedReason).toBe("reuse");
    } finally {
      await other.close();
    }
  }, 30_000);
});
