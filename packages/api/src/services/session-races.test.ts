// A session opens only over the account as its password was checked: a password change or a
// deactivation committed between the check and the session refuses it, one still running waits
// for the session and then ends it with the others, and of two password changes one wins.
import { AuthError, hashPassword } from "@kit/auth";
import { createPrismaClient, type PrismaClient } from "@kit/db";
import { hash } from "@node-rs/argon2";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { buildTestDeps } from "../../test/in-process-server";
import { uniqueEmail } from "../../test/test-server";
import type { AppDeps } from "../deps";
import { RateLimitedError } from "../errors";
import { setAccountActive } from "./account-status";
import { changePassword, signIn } from "./accounts";
import { openSession } from "./sessions";

const PASSWORD = "correct horse battery";
const client = { clientIp: "203.0.113.8", userAgent: "session-races", device: null };

let prisma: PrismaClient;
let deps: AppDeps;
beforeAll(() => {
  prisma = createPrismaClient(inject("databaseUrl"));
  deps = buildTestDeps(prisma);
});
afterAll(async () => {
  await deps?.limiter.close();
  await prisma?.$disconnect();
});

async function newUser() {
  const email = uniqueEmail("races");
  const user = await prisma.user.create({
    data: { email, passwordHash: await hashPassword(PASSWORD) },
    select: { id: true, email: true, name: true, role: true },
  });
  return user;
}

/** The password check alone: the session is left to the test. */
const checkCredentials = (email: string, password: string) =>
  signIn(deps, email, password, client, async (checked) => checked);

const liveSessions = (userId: string) =>
  prisma.session.count({ where: { userId, revokedAt: null } });

async function refusal(call: Promise<unknown>): Promise<string> {
  const error = await call.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  if (error instanceof AuthError) return error.code;
  throw error ?? new Error("expected an AuthError");
}

/** Resolves with "pending" when `call` has not settled within `ms`. */
const settledWithin = (call: Promise<unknown>, ms: number) =>
  Promise.race([
    call.then(
      () => "settled",
      () => "settled",
    ),
    new Promise((resolve) => setTimeout(() => resolve("pending"), ms)),
  ]);

describe("a login between its password check and its session", () => {
  it("is refused when the password changed meanwhile", async () => {
    const user = await newUser();
    const checked = await checkCredentials(user.email, PASSWORD);
    await changePassword(deps, user, { current: PASSWORD, next: "another fine password" }, client);
    expect(
      await refusal(
        openSession(deps, checked.user, checked.passwordHash, client, "login_succeeded"),
      ),
    ).toBe("INVALID_CREDENTIALS");
    // Only the change's own session is live.
    expect(await liveSessions(user.id)).toBe(1);
  });

  it("is a failed login when it loses: recorded, and counted towards the burst lock", async () => {
    const user = await newUser();
    // One failure in a row locks the pair: a loss counted as a success would not.
    const strict = buildTestDeps(prisma, { rateLimits: { loginBurstFailures: 1 } });
    try {
      const other = { ...client, clientIp: "198.51.100.4" };
      const lost = signIn(strict, user.email, PASSWORD, client, async (checked) => {
        await changePassword(deps, user, { current: PASSWORD, next: "a password now" }, other);
        return openSession(strict, checked.user, checked.passwordHash, client, "login_succeeded");
      });
      expect(await refusal(lost)).toBe("INVALID_CREDENTIALS");
      const events = await prisma.authEvent.findMany({
        where: { userId: user.id, type: { in: ["login_failed", "login_succeeded"] } },
        select: { type: true, ip: true },
      });
      expect(events).toEqual([{ type: "login_failed", ip: client.clientIp }]);
      const next = signIn(strict, user.email, "a password now", client, async (checked) => checked);
      await expect(next).rejects.toBeInstanceOf(RateLimitedError);
    } finally {
      await strict.limiter.close();
    }
  });

  it("is not a failed login when the session fails for another reason", async () => {
    const user = await newUser();
    const strict = buildTestDeps(prisma, { rateLimits: { loginBurstFailures: 1 } });
    try {
      const outage = signIn(strict, user.email, PASSWORD, client, async () => {
        throw new Error("the database went away");
      });
      await expect(outage).rejects.toThrow("the database went away");
      expect(await prisma.authEvent.count({ where: { userId: user.id } })).toBe(0);
      // The right password reset the pair: no lock.
      const checked = await signIn(strict, user.email, PASSWORD, client, async (c) => c);
      expect(checked.user.id).toBe(user.id);
    } finally {
      await strict.limiter.close();
    }
  });

  it("is refused when the account was deactivated meanwhile", async () => {
    const user = await newUser();
    const checked = await checkCredentials(user.email, PASSWORD);
    await setAccountActive(prisma, { id: user.id }, false, Date.now());
    expect(
      await refusal(
        openSession(deps, checked.user, checked.passwordHash, client, "login_succeeded"),
      ),
    ).toBe("INVALID_CREDENTIALS");
    // Reactivated, it has no session that was opened while it was off.
    await setAccountActive(prisma, { id: user.id }, true, Date.now());
    expect(await liveSessions(user.id)).toBe(0);
  });

  it("waits for a deactivation still running, and is refused once it commits", async () => {
    const user = await newUser();
    const checked = await checkCredentials(user.email, PASSWORD);
    let commit = () => {};
    const committed = new Promise<void>((resolve) => {
      commit = resolve;
    });
    let locked = () => {};
    const rowLocked = new Promise<void>((resolve) => {
      locked = resolve;
    });
    // A deactivation that has written the row but not committed yet.
    const deactivation = prisma.$transaction(async (tx) => {
      await tx.user.update({ where: { id: user.id }, data: { isActive: false } });
      locked();
      await committed;
    });
    await rowLocked;
    const opening = openSession(
      deps,
      checked.user,
      checked.passwordHash,
      client,
      "login_succeeded",
    );
    expect(await settledWithin(opening, 300)).toBe("pending");
    commit();
    await deactivation;
    expect(await refusal(opening)).toBe("INVALID_CREDENTIALS");
    expect(await liveSessions(user.id)).toBe(0);
  });

  it("holds a deactivation that starts while the session is being opened, which then ends it", async () => {
    const user = await newUser();
    const checked = await checkCredentials(user.email, PASSWORD);
    let commit = () => {};
    const committed = new Promise<void>((resolve) => {
      commit = resolve;
    });
    let opened = () => {};
    const sessionWritten = new Promise<void>((resolve) => {
      opened = resolve;
    });
    // A login's session written but not committed (inside a transaction, to hold it there).
    const login = prisma.$transaction(async (tx) => {
      await openSession(deps, checked.user, checked.passwordHash, client, "login_succeeded", tx);
      opened();
      await committed;
    });
    await sessionWritten;
    const deactivation = setAccountActive(prisma, { id: user.id }, false, Date.now());
    expect(await settledWithin(deactivation, 300)).toBe("pending");
    commit();
    await login;
    expect((await deactivation)?.revokedSessions).toBe(1);
    expect(await liveSessions(user.id)).toBe(0);
  });
});

describe("a login over a hash made with older parameters", () => {
  it("upgrades the hash and opens its session over the upgraded one", async () => {
    const user = await newUser();
    const weak = await hash(PASSWORD, { memoryCost: 4096, timeCost: 2, parallelism: 1 });
    await prisma.user.update({ where: { id: user.id }, data: { passwordHash: weak } });
    const checked = await checkCredentials(user.email, PASSWORD);
    const stored = await prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(stored.passwordHash).not.toBe(weak);
    expect(checked.passwordHash).toBe(stored.passwordHash);
    await openSession(deps, checked.user, checked.passwordHash, client, "login_succeeded");
    expect(await liveSessions(user.id)).toBe(1);
  });
});

describe("password changes at once", () => {
  it("lets one win and refuses the rest, never answering a change that was lost", async () => {
    const user = await newUser();
    const changes = ["first new password", "second new password", "third new password"].map(
      (next) =>
        changePassword(deps, user, { current: PASSWORD, next }, client).then(
          () => ({ next, ok: true as const }),
          (error: unknown) => ({ next, ok: false as const, error }),
        ),
    );
    const results = await Promise.all(changes);
    const won = results.filter((result) => result.ok);
    expect(won).toHaveLength(1);
    for (const lost of results.filter((result) => !result.ok)) {
      expect(lost.error).toBeInstanceOf(AuthError);
      expect((lost.error as AuthError).code).toBe("INVALID_CREDENTIALS");
    }
    // The winner's password is the one that works, and its session the one that is live.
    const winner = won[0]?.next ?? "";
    expect((await checkCredentials(user.email, winner)).user.id).toBe(user.id);
    expect(await liveSessions(user.id)).toBe(1);
  });
});

describe("a deactivation while a refresh holds the session", () => {
  it("waits for the refresh, then ends the session: never a deadlock", async () => {
    const user = await newUser();
    const hour = new Date(Date.now() + 3_600_000);
    const session = await prisma.session.create({
      data: {
        userId: user.id,
        refreshJti: crypto.randomUUID(),
        expiresAt: hour,
        absoluteExpiresAt: hour,
      },
    });
    // The refresh swap's locks, in its order (swap-refresh.ts): the session row, then, through
    // its audit row's foreign key, a key-share lock on the user's row. A deactivation locks the
    // user's row and then the sessions: with FOR UPDATE on the user, the two waited on each
    // other and PostgreSQL ended one (40P01: a 500, the deactivation sometimes lost).
    const refresh = new pg.Client({ connectionString: inject("databaseUrl") });
    await refresh.connect();
    try {
      await refresh.query("BEGIN");
      await refresh.query("SELECT id FROM sessions WHERE id = $1 FOR UPDATE", [session.id]);
      const [{ pid } = { pid: 0 }] = (await refresh.query("SELECT pg_backend_pid() AS pid")).rows;
      const deactivation = setAccountActive(prisma, { id: user.id }, false, Date.now());
      // Until the deactivation holds the user's row and waits for the session's.
      const deadline = Date.now() + 15_000;
      for (;;) {
        const { rowCount } = await refresh.query(
          "SELECT 1 FROM pg_stat_activity WHERE $1::int = ANY(pg_blocking_pids(pid))",
          [pid],
        );
        if (rowCount) break;
        if (Date.now() > deadline) throw new Error("the deactivation never waited on the refresh");
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await refresh.query(
        "INSERT INTO auth_events (type, user_id, session_id, created_at) VALUES ('refreshed', $1, $2, now())",
        [user.id, session.id],
      );
      await refresh.query("COMMIT");
      expect(await deactivation).toEqual({ userId: user.id, changed: true, revokedSessions: 1 });
      expect(await liveSessions(user.id)).toBe(0);
    } finally {
      await refresh.end();
    }
  });
});
