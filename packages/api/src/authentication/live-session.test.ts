// The check's read against the real database, with a change committed between the two
// statements Prisma sends for it (the users row, then the session): the answer names what the
// rows say once both are read, in the contract's order, whichever statement the change landed
// after (the race two admins deactivating each other at once met in CI).
import { AuthError } from "@kit/auth";
import { createPrismaClient, type PrismaClient } from "@kit/db";
import { createLoggedPrismaClient, type LoggedPrismaClient } from "@kit/db/testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { buildTestDeps } from "../../test/in-process-server";
import { uniqueEmail } from "../../test/test-server";
import type { AppDeps } from "../deps";
import { setAccountActive } from "../services/account-status";
import { openSession } from "../services/sessions";
import { readLiveSession } from "./live-session";

const client = { clientIp: "203.0.113.9", userAgent: "live-session" };

let logged: LoggedPrismaClient;
let other: PrismaClient;
let deps: AppDeps;
/** Run once, just before the next statement that reads sessions is sent. */
let beforeSessionRead: (() => Promise<unknown>) | null = null;

beforeAll(() => {
  logged = createLoggedPrismaClient(inject("databaseUrl"), {
    async beforeStatement(text) {
      if (!beforeSessionRead || !/FROM "?(public"?\.)?"?sessions"?/.test(text)) return;
      const work = beforeSessionRead;
      beforeSessionRead = null;
      await work();
    },
  });
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

async function refusal(work: Promise<unknown>): Promise<string> {
  const error = await work.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AuthError);
  return (error as AuthError).code;
}

describe("readLiveSession with a change committed between its two statements", () => {
  it("calls a user deactivated after the user's row was read USER_NOT_FOUND, not TOKEN_REVOKED", async () => {
    const { user, claims } = await signedIn();
    beforeSessionRead = () => setAccountActive(other, { id: user.id }, false, Date.now());
    expect(await refusal(readLiveSession(deps, claims))).toBe("USER_NOT_FOUND");
    expect(beforeSessionRead).toBeNull();
  });

  it("calls a user deleted after the user's row was read USER_NOT_FOUND", async () => {
    const { user, claims } = await signedIn();
    beforeSessionRead = () => other.user.delete({ where: { id: user.id } });
    expect(await refusal(readLiveSession(deps, claims))).toBe("USER_NOT_FOUND");
  });

  it("still calls a session revoked with its user active TOKEN_REVOKED", async () => {
    const { opened, claims } = await signedIn();
    beforeSessionRead = () =>
      other.session.update({
        where: { id: opened.sessionId },
        data: { revokedAt: new Date(), revokedReason: "logout" },
      });
    logged.statements.length = 0;
    expect(await refusal(readLiveSession(deps, claims))).toBe("TOKEN_REVOKED");
    // The user, the session, and the user once more: only a refusal pays for the third.
    expect(logged.statements).toHaveLength(3);
  });

  it("reads a live session in two statements", async () => {
    const { claims } = await signedIn();
    logged.statements.length = 0;
    await readLiveSession(deps, claims);
    expect(logged.statements).toHaveLength(2);
  });
});
