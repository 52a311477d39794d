// Round trips to the database per login and per refresh, counted at the driver: the usual paths
// are one statement each, so each is atomic, and a lost race leaves no trace of a rotation.
import { AuthError } from "@kit/auth";
import { createLoggedPrismaClient, type LoggedPrismaClient } from "@kit/db/testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { buildTestDeps } from "../../test/in-process-server";
import { uniqueEmail } from "../../test/test-server";
import type { AppDeps } from "../deps";
import { rotateSession } from "./rotate-session";
import { openSession } from "./sessions";

const client = { clientIp: "203.0.113.7", userAgent: "round-trips" };

let logged: LoggedPrismaClient;
let deps: AppDeps;
let offset = 0;
beforeAll(() => {
  logged = createLoggedPrismaClient(inject("databaseUrl"));
  deps = buildTestDeps(logged.prisma, { now: () => Date.now() + offset });
});
afterAll(async () => {
  await deps?.limiter.close();
  await logged?.close();
});

/** Runs `work` and returns what it resolved to and the statements it sent. */
async function counted<T>(work: () => Promise<T>): Promise<{ value: T; statements: string[] }> {
  logged.statements.length = 0;
  const value = await work();
  return { value, statements: [...logged.statements] };
}

async function newUser() {
  return logged.prisma.user.create({
    data: { email: uniqueEmail("round-trips"), passwordHash: "not-a-hash" },
    select: { id: true, email: true, name: true, role: true },
  });
}

const eventsOf = (sessionId: string, type: string) =>
  logged.prisma.authEvent.count({ where: { sessionId, type } });

describe("round trips", () => {
  it("opens a session and records its login in one statement", async () => {
    const user = await newUser();
    const { value, statements } = await counted(() =>
      openSession(deps, user, "not-a-hash", client, "login_succeeded"),
    );
    expect(statements).toHaveLength(1);
    expect(await eventsOf(value.sessionId, "login_succeeded")).toBe(1);
  });

  it("rotates a refresh token and records it in one statement", async () => {
    const user = await newUser();
    const opened = await openSession(deps, user, "not-a-hash", client, "login_succeeded");
    const { value, statements } = await counted(() => rotateSession(deps, opened.refresh, client));
    expect(statements).toHaveLength(1);
    expect(deps.tokens.verifyAccess(value.access).email).toBe(user.email);
    expect(await eventsOf(opened.sessionId, "refreshed")).toBe(1);
  });

  it("records one rotation, and only one, when ten refreshes of one token race", async () => {
    const user = await newUser();
    const opened = await openSession(deps, user, "not-a-hash", client, "login_succeeded");
    const pairs = await Promise.all(
      Array.from({ length: 10 }, () => rotateSession(deps, opened.refresh, client)),
    );
    // The losers are replays of the winner's pair (same client, inside the grace window).
    expect(new Set(pairs.map((pair) => pair.refresh)).size).toBe(1);
    expect(await eventsOf(opened.sessionId, "refreshed")).toBe(1);
    expect(await eventsOf(opened.sessionId, "refresh_replayed")).toBe(9);
  });

  it("replays inside the grace window after one swap and one read, recording the replay", async () => {
    const user = await newUser();
    const opened = await openSession(deps, user, "not-a-hash", client, "login_succeeded");
    const winner = await rotateSession(deps, opened.refresh, client);
    const { value, statements } = await counted(() => rotateSession(deps, opened.refresh, client));
    expect(value.refresh).toBe(winner.refresh);
    // The swap that changed nothing, the user and session, the replay's event.
    expect(statements).toHaveLength(3);
    expect(await eventsOf(opened.sessionId, "refresh_replayed")).toBe(1);
  });

  it("holds a rotation near the session's cap to the cap, in two statements", async () => {
    const user = await newUser();
    const opened = await openSession(deps, user, "not-a-hash", client, "login_succeeded");
    const session = await logged.prisma.session.findUniqueOrThrow({
      where: { id: opened.sessionId },
    });
    // A cap sooner than the refresh lifetime: the uncapped token is refused, the capped one not.
    const cap = new Date(deps.now() + 3600_000);
    await logged.prisma.session.update({
      where: { id: session.id },
      data: { absoluteExpiresAt: cap },
    });
    const { value, statements } = await counted(() => rotateSession(deps, opened.refresh, client));
    expect(statements).toHaveLength(2);
    expect(value.refreshExp).toBe(Math.floor(cap.getTime() / 1000));
    expect(await eventsOf(opened.sessionId, "refreshed")).toBe(1);
  });

  it("revokes on reuse and records it in the same statement", async () => {
    const user = await newUser();
    const opened = await openSession(deps, user, "not-a-hash", client, "login_succeeded");
    await rotateSession(deps, opened.refresh, client);
    offset += 60_000; // past the grace window
    const { value: error, statements } = await counted(() =>
      rotateSession(deps, opened.refresh, client).catch((caught: unknown) => caught),
    );
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).code).toBe("TOKEN_REUSED");
    // The swap that changed nothing; the user and session, which tell why; then the revocation
    // with its event, as one.
    expect(statements).toHaveLength(3);
    expect(statements.at(-1)).toMatch(/UPDATE sessions[\s\S]*INSERT INTO auth_events/);
    const session = await logged.prisma.session.findUniqueOrThrow({
      where: { id: opened.sessionId },
    });
    expect(session.revokedReason).toBe("reuse");
    expect(await eventsOf(opened.sessionId, "reuse_detected")).toBe(1);
    expect(await eventsOf(opened.sessionId, "refreshed")).toBe(1);
  });

  it("refuses an inactive user's refresh without swapping anything", async () => {
    const user = await newUser();
    const opened = await openSession(deps, user, "not-a-hash", client, "login_succeeded");
    await logged.prisma.user.update({ where: { id: user.id }, data: { isActive: false } });
    await expect(rotateSession(deps, opened.refresh, client)).rejects.toMatchObject({
      code: "USER_NOT_FOUND",
    });
    const session = await logged.prisma.session.findUniqueOrThrow({
      where: { id: opened.sessionId },
    });
    expect(session.previousJti).toBeNull();
    expect(await eventsOf(opened.sessionId, "refreshed")).toBe(0);
  });

  it("never sends a session id that is not a UUID to the database", async () => {
    const user = await newUser();
    const token = deps.tokens.issueRefresh({ userId: user.id, sessionId: "not-a-uuid" }).token;
    const { value: error, statements } = await counted(() =>
      rotateSession(deps, token, client).catch((caught: unknown) => caught),
    );
    expect((error as AuthError).code).toBe("TOKEN_REVOKED");
    expect(statements).toHaveLength(0);
  });
});
