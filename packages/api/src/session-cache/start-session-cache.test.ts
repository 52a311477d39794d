// The session cache with its listener on real PostgreSQL: an operator's SQL evicts, and a lost
// listening connection means no cached answer until it LISTENs again.
import { randomBytes, randomUUID } from "node:crypto";
import { createPrismaClient, type PrismaClient } from "@kit/db";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { buildTestDeps } from "../../test/in-process-server";
import { uniqueEmail } from "../../test/test-server";
import { loadLiveSession } from "../authentication/live-session";
import type { AppDeps } from "../deps";
import { createLogger } from "../logger";
import { registerAndOpen } from "../services/accounts";
import type { SessionCache } from "./session-cache";
import { startSessionCache, waitUntilTrusted } from "./start-session-cache";

let prisma: PrismaClient;
beforeAll(() => {
  prisma = createPrismaClient(inject("databaseUrl"));
});
afterAll(() => prisma?.$disconnect());

let caches: SessionCache[] = [];
afterEach(async () => {
  await Promise.all(caches.map((cache) => cache.close()));
  caches = [];
});

const CLIENT = { clientIp: "127.0.0.1", userAgent: "test", device: null };

/** Deps with a started cache; its listener's connection is `<applicationName>`. */
async function depsWithCache(firstReconnectDelayMs = 2000): Promise<{
  deps: AppDeps;
  cache: SessionCache;
  applicationName: string;
}> {
  const applicationName = `kit-test-${randomBytes(4).toString("hex")}:session-listener`;
  const cache = startSessionCache({
    databaseUrl: inject("databaseUrl"),
    applicationName,
    maxEntries: 100,
    logger: createLogger({ write: () => {} }),
    // The first reconnection comes after half to all of this delay.
    reconnect: { firstDelayMs: firstReconnectDelayMs, maxDelayMs: firstReconnectDelayMs },
  });
  if (!cache) throw new Error("no cache");
  caches.push(cache);
  expect(await waitUntilTrusted(cache, 10_000)).toBe(true);
  return { deps: { ...buildTestDeps(prisma), sessionCache: cache }, cache, applicationName };
}

/** A new user signed in once: the claims their access token carries. */
async function signedIn(deps: AppDeps) {
  const { user, pair } = await registerAndOpen(
    deps,
    { email: uniqueEmail("cache"), password: "a long enough password", name: null },
    CLIENT,
  );
  return { sub: user.id, sid: pair.sessionId };
}

const eventually = (check: () => void) => vi.waitFor(check, { timeout: 10_000, interval: 20 });

describe("startSessionCache", () => {
  it("answers the second call from memory, and never a rotation", async () => {
    const { deps, cache } = await depsWithCache();
    const claims = await signedIn(deps);
    await loadLiveSession(deps, claims);
    const before = cache.stats();
    expect(before.entries).toBe(1);
    const again = await loadLiveSession(deps, claims);
    expect(again.user.id).toBe(claims.sub);
    expect(cache.stats().hits).toBe(before.hits + 1);

    await loadLiveSession(deps, claims, { for: "rotation" });
    expect(cache.stats().hits).toBe(before.hits + 1);
    // A token naming another user never matches the cached session.
    await expect(loadLiveSession(deps, { ...claims, sub: randomUUID() })).rejects.toThrow();
  });

  it("forgets a session an operator revokes with SQL, and a user an operator deactivates", async () => {
    const { deps, cache } = await depsWithCache();
    const revoked = await signedIn(deps);
    await loadLiveSession(deps, revoked);
    await prisma.$executeRaw`UPDATE sessions SET revoked_at = now() WHERE id = ${revoked.sid}::uuid`;
    await eventually(() => expect(cache.get(revoked.sid, deps.now())).toBeUndefined());
    await expect(loadLiveSession(deps, revoked)).rejects.toMatchObject({ code: "TOKEN_REVOKED" });

    const deactivated = await signedIn(deps);
    await loadLiveSession(deps, deactivated);
    await prisma.$executeRaw`UPDATE users SET is_active = false WHERE id = ${deactivated.sub}::uuid`;
    await eventually(() => expect(cache.get(deactivated.sid, deps.now())).toBeUndefined());
    await expect(loadLiveSession(deps, deactivated)).rejects.toMatchObject({
      code: "USER_NOT_FOUND",
    });
  });

  it("forgets a session whose id an operator changes with SQL: its tokens name the old one", async () => {
    const { deps, cache } = await depsWithCache();
    const moved = await signedIn(deps);
    await loadLiveSession(deps, moved);
    expect(cache.get(moved.sid, deps.now())).toBeDefined();
    await prisma.$executeRaw`UPDATE sessions SET id = gen_random_uuid() WHERE id = ${moved.sid}::uuid`;
    await eventually(() => expect(cache.get(moved.sid, deps.now())).toBeUndefined());
    await expect(loadLiveSession(deps, moved)).rejects.toMatchObject({ code: "TOKEN_REVOKED" });
  });

  it("is bypassed while its listening connection is gone, and used again once it LISTENs", {
    timeout: 90_000,
  }, async () => {
    // A first reconnection 8 to 16 s away: time to look while it is down, even on a loaded machine.
    const { deps, cache, applicationName } = await depsWithCache(16_000);
    const claims = await signedIn(deps);
    await loadLiveSession(deps, claims);
    expect(cache.stats().entries).toBe(1);

    const killed = await prisma.$queryRaw<{ pid: number }[]>`
      SELECT pid FROM pg_stat_activity WHERE application_name = ${applicationName}`;
    expect(killed).toHaveLength(1);
    await prisma.$queryRaw`SELECT pg_terminate_backend(${killed[0]?.pid}::int)`;
    await eventually(() => expect(cache.stats().trusted).toBe(false));
    expect(cache.stats().entries).toBe(0);
    const misses = cache.stats().misses;
    await loadLiveSession(deps, claims);
    expect(cache.stats()).toMatchObject({ entries: 0, misses: misses + 1 });

    expect(await waitUntilTrusted(cache, 45_000)).toBe(true);
    await loadLiveSession(deps, claims);
    expect(cache.stats().entries).toBe(1);
    const hits = cache.stats().hits;
    await loadLiveSession(deps, claims);
    expect(cache.stats().hits).toBe(hits + 1);
  });
});
