// loadLiveSession with a session cache, on a stand-in database: which calls it answers from
// memory, and the race it must not lose (a read that began before a revocation).
import { randomUUID } from "node:crypto";
import type { PrismaClient, SqlPool } from "@kit/db";
import { describe, expect, it } from "vitest";
import { buildTestDeps } from "../../test/in-process-server";
import type { AppDeps } from "../deps";
import { createSessionCache } from "../session-cache";
import { bearerAuthenticator } from "./authenticate";
import { cachedLiveSession, loadLiveSession } from "./live-session";

const HOUR = 3600_000;

/** A database of one live session, counting reads; `duringRead` runs while a read is under way. */
function setUp() {
  const userId = randomUUID();
  const sessionId = randomUUID();
  const now = Date.now();
  // A row as the check's one statement gives it (user-session-read.ts).
  const row = {
    userId,
    email: "ada@example.com",
    name: null,
    role: "user",
    isActive: true,
    sessionId,
    createdAt: new Date(now),
    lastUsedAt: new Date(now),
    expiresAt: new Date(now + HOUR),
    absoluteExpiresAt: new Date(now + 24 * HOUR),
    revokedAt: null,
    refreshJti: randomUUID(),
    previousJti: null,
    rotatedAt: null,
    rotatedBy: null,
    retiredJtis: [],
    retiredAt: [],
    unansweredJti: null,
  };
  const database = { reads: 0, duringRead: () => {} };
  const pool = {
    query: async () => {
      database.reads += 1;
      database.duringRead();
      return { rows: [row] };
    },
  } as unknown as SqlPool;
  // Loading a session never goes through Prisma: a call would fail the test.
  const prisma = new Proxy({} as PrismaClient, {
    get() {
      throw new Error("Prisma is not used here");
    },
  });
  const sessionCache = createSessionCache({ maxEntries: 10, trusted: () => true });
  const deps: AppDeps = { ...buildTestDeps(prisma, { pool }), sessionCache };
  return { deps, database, sessionCache, claims: { sub: userId, sid: sessionId } };
}

describe("loadLiveSession with a session cache", () => {
  it("reads the database once, then answers from memory", async () => {
    const { deps, database, claims } = setUp();
    const first = await loadLiveSession(deps, claims);
    const second = await loadLiveSession(deps, claims);
    expect(second).toEqual(first);
    expect(database.reads).toBe(1);
  });

  it("does not cache a read during which an invalidation was heard", async () => {
    const { deps, database, sessionCache, claims } = setUp();
    // The classic race: the read sees the session live, its revocation is heard before the read
    // returns. Caching that result would serve a revoked session until it expired.
    database.duringRead = () => sessionCache.invalidateSession(claims.sid);
    await loadLiveSession(deps, claims);
    expect(sessionCache.stats().entries).toBe(0);
    database.duringRead = () => {};
    await loadLiveSession(deps, claims);
    expect(database.reads).toBe(2);
    expect(sessionCache.stats().entries).toBe(1);
  });

  it("asks the database when the token names another user than the cached session's", async () => {
    const { deps, database, claims } = setUp();
    await loadLiveSession(deps, claims);
    await expect(loadLiveSession(deps, { ...claims, sub: randomUUID() })).resolves.toBeDefined();
    // (The stand-in answers any user; the real query filters the session by the token's user.)
    expect(database.reads).toBe(2);
  });

  it("never answers rotation from memory, nor caches it", async () => {
    const { deps, database, sessionCache, claims } = setUp();
    await loadLiveSession(deps, claims, { for: "rotation" });
    await loadLiveSession(deps, claims, { for: "rotation" });
    expect(database.reads).toBe(2);
    expect(sessionCache.stats().entries).toBe(0);
  });
});

describe("cachedLiveSession: what a Bearer call may take from memory without waiting", () => {
  it("answers what loadLiveSession cached, and nothing before it did", async () => {
    const { deps, database, claims } = setUp();
    expect(cachedLiveSession(deps, claims)).toBeUndefined();
    const loaded = await loadLiveSession(deps, claims);
    expect(cachedLiveSession(deps, claims)).toEqual(loaded);
    expect(database.reads).toBe(1);
  });

  it("leaves another user's claim, an over session and a dropped one to the database", async () => {
    const { deps, sessionCache, claims } = setUp();
    await loadLiveSession(deps, claims);
    expect(cachedLiveSession(deps, { ...claims, sub: randomUUID() })).toBeUndefined();
    expect(cachedLiveSession(deps, claims)).toBeDefined();
    sessionCache.invalidateSession(claims.sid);
    expect(cachedLiveSession(deps, claims)).toBeUndefined();
    await loadLiveSession(deps, claims);
    // Two hours on: past the session's expiry and the cache's own five minutes: dropped.
    const later = { ...deps, now: () => Date.now() + 2 * HOUR };
    expect(cachedLiveSession(later, claims)).toBeUndefined();
    expect(cachedLiveSession(deps, claims)).toBeUndefined();
  });

  it("answers nothing without a session cache", async () => {
    const { deps, claims } = setUp();
    await loadLiveSession(deps, claims);
    expect(cachedLiveSession({ ...deps, sessionCache: undefined }, claims)).toBeUndefined();
  });
});

describe("a Bearer call through the session cache", () => {
  it("asks the cache once per call: one miss and a read, then one hit", async () => {
    const { deps, database, sessionCache, claims } = setUp();
    const { token } = deps.tokens.issueAccess({
      userId: claims.sub,
      email: "ada@example.com",
      sessionId: claims.sid,
    });
    const request = { headers: new Headers({ authorization: `Bearer ${token}` }), clientIp: null };
    const first = await bearerAuthenticator(deps, request);
    expect(sessionCache.stats()).toMatchObject({ hits: 0, misses: 1 });
    const second = await bearerAuthenticator(deps, request);
    expect(sessionCache.stats()).toMatchObject({ hits: 1, misses: 1 });
    expect(second).toEqual(first);
    expect(database.reads).toBe(1);
  });
});
