// The check's read against the real database: the user and the session in one statement (one
// snapshot, so a deactivation cannot land between them, the race two admins deactivating each
// other at once met in CI), answered in the contract's order; and the read's rows are what
// Prisma's named selects give, so the two cannot drift apart.
import { randomUUID } from "node:crypto";
import { AuthError } from "@kit/auth";
import {
  createPrismaClient,
  type PrismaClient,
  sessionAuthSelect,
  sessionRotationSelect,
  userAuthSelect,
} from "@kit/db";
import { createLoggedPrismaClient, type LoggedPrismaClient } from "@kit/db/testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { buildTestDeps } from "../../test/in-process-server";
import { uniqueEmail } from "../../test/test-server";
import type { AppDeps } from "../deps";
import { setAccountActive } from "../services/account-status";
import { openSession } from "../services/sessions";
import { readLiveSession } from "./live-session";
import { readUserSession } from "./user-session-read";

const client = { clientIp: "203.0.113.9", userAgent: "live-session" };

let logged: LoggedPrismaClient;
let other: PrismaClient;
let deps: AppDeps;

beforeAll(() => {
  logged = createLoggedPrismaClient(inject("databaseUrl"));
  other = createPrismaClient(inject("databaseUrl"));
  deps = buildTestDeps(logged.prisma);
});
afterAll(async () => {
  await deps?.limiter.close();
  await logged?.close();
  await other?.$disconnect();
});

async function signedIn() {
  const user = await other.user.create({
    data: { email: uniqueEmail("live-session"), passwordHash: "not-a-hash" },
    select: { id: true, email: true, name: true, role: true },
  });
  const opened = await openSession(deps, user, "not-a-hash", client, "login_succeeded");
  return { user, opened, claims: deps.tokens.verifyAccess(opened.access) };
}

/** The code readLiveSession refused with, and the statements it sent. */
async function refusal(claims: { sub: string; sid: string }) {
  logged.statements.length = 0;
  const error = await readLiveSession(deps, claims).then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AuthError);
  return { code: (error as AuthError).code, statements: logged.statements.length };
}

describe("readLiveSession", () => {
  it("reads a live session and its user in one statement", async () => {
    const { user, claims } = await signedIn();
    logged.statements.length = 0;
    const live = await readLiveSession(deps, claims);
    expect(logged.statements).toHaveLength(1);
    expect(live.user).toEqual(user);
    expect(live.session.id).toBe(claims.sid);
  });

  it("calls a deactivated user USER_NOT_FOUND, in one statement", async () => {
    const { user, claims } = await signedIn();
    await setAccountActive(other, { id: user.id }, false, Date.now());
    expect(await refusal(claims)).toEqual({ code: "USER_NOT_FOUND", statements: 1 });
  });

  it("calls a deleted user USER_NOT_FOUND", async () => {
    const { user, claims } = await signedIn();
    await other.user.delete({ where: { id: user.id } });
    expect(await refusal(claims)).toEqual({ code: "USER_NOT_FOUND", statements: 1 });
  });

  it("calls a revoked session of an active user TOKEN_REVOKED, in one statement", async () => {
    const { opened, claims } = await signedIn();
    await other.session.update({
      where: { id: opened.sessionId },
      data: { revokedAt: new Date(), revokedReason: "logout" },
    });
    expect(await refusal(claims)).toEqual({ code: "TOKEN_REVOKED", statements: 1 });
  });

  it("calls another user's session, or none, TOKEN_REVOKED", async () => {
    const mine = await signedIn();
    const theirs = await signedIn();
    expect(await refusal({ sub: mine.user.id, sid: theirs.opened.sessionId })).toEqual({
      code: "TOKEN_REVOKED",
      statements: 1,
    });
    expect((await refusal({ sub: mine.user.id, sid: randomUUID() })).code).toBe("TOKEN_REVOKED");
  });
});

describe("readUserSession", () => {
  it("gives what Prisma's named selects give, for both shapes", async () => {
    const { user, opened } = await signedIn();
    // Every rotation column filled in, so each one's type is compared too.
    await other.session.update({
      where: { id: opened.sessionId },
      data: {
        previousJti: randomUUID(),
        rotatedAt: new Date(),
        rotatedBy: "a fingerprint",
        retiredJtis: [randomUUID(), randomUUID()],
        retiredAt: [new Date(Date.now() - 1000), new Date()],
        unansweredJti: randomUUID(),
      },
    });
    const ids = { userId: user.id, sessionId: opened.sessionId };
    const expectedUser = await other.user.findUnique({
      where: { id: user.id },
      select: userAuthSelect,
    });
    const where = { id: opened.sessionId };
    expect(await readUserSession(deps.pool, ids)).toEqual({
      user: expectedUser,
      session: await other.session.findUnique({ where, select: sessionAuthSelect }),
    });
    expect(await readUserSession(deps.pool, ids, { for: "rotation" })).toEqual({
      user: expectedUser,
      session: await other.session.findUnique({ where, select: sessionRotationSelect }),
    });
  });

  it("gives a user without a session, and nothing for no user", async () => {
    const { user } = await signedIn();
    const found = await readUserSession(deps.pool, { userId: user.id, sessionId: randomUUID() });
    expect(found).toMatchObject({ user: { id: user.id, isActive: true }, session: null });
    expect(
      await readUserSession(deps.pool, { userId: randomUUID(), sessionId: randomUUID() }),
    ).toBeNull();
  });
});
