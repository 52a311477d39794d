// The session cache's store on its own: its cap, its expiry, the epoch guard, and the bypass.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type CachedSession, createSessionCache } from "./session-cache";

const T0 = Date.UTC(2026, 11, 1, 12);
const MINUTE = 60_000;

/** A live session of `userId`, expiring at the given offsets from T0. */
function entry(
  userId = randomUUID(),
  times: { expiresIn?: number; cappedIn?: number } = {},
): CachedSession {
  const id = randomUUID();
  return {
    userId,
    user: { id: userId, email: `${userId}@example.com`, name: null, role: "user" },
    session: {
      id,
      createdAt: new Date(T0),
      lastUsedAt: new Date(T0),
      expiresAt: new Date(T0 + (times.expiresIn ?? 60 * MINUTE)),
      absoluteExpiresAt: new Date(T0 + (times.cappedIn ?? 600 * MINUTE)),
      revokedAt: null,
    },
  };
}

function cacheWith(options: { maxEntries?: number; maxAgeMs?: number } = {}) {
  const state = { trusted: true };
  const cache = createSessionCache({
    maxEntries: options.maxEntries ?? 100,
    maxAgeMs: options.maxAgeMs,
    trusted: () => state.trusted,
  });
  const add = (item: CachedSession, now = T0) => cache.put(cache.ticket(), item, now);
  return { cache, state, add };
}

describe("createSessionCache", () => {
  it("returns what was put, by session id", () => {
    const { cache, add } = cacheWith();
    const one = entry();
    expect(add(one)).toBe(true);
    expect(cache.get(one.session.id, T0)).toEqual(one);
    expect(cache.get(randomUUID(), T0)).toBeUndefined();
    // Shared by every request that hits it, so nobody can change it in place.
    expect(Object.isFrozen(cache.get(one.session.id, T0)?.session)).toBe(true);
    expect(cache.stats()).toEqual({ entries: 1, hits: 2, misses: 1, trusted: true });
  });

  it("keeps at most maxEntries, dropping the least recently used first", () => {
    const { cache, add } = cacheWith({ maxEntries: 2 });
    const [a, b, c] = [entry(), entry(), entry()];
    add(a);
    add(b);
    cache.get(a.session.id, T0); // a is now more recent than b
    add(c);
    expect(cache.stats().entries).toBe(2);
    expect(cache.get(b.session.id, T0)).toBeUndefined();
    expect(cache.get(a.session.id, T0)).toEqual(a);
    expect(cache.get(c.session.id, T0)).toEqual(c);
  });

  it("lets a new session in when every cached one is in use, dropping the oldest", () => {
    const { cache, add } = cacheWith({ maxEntries: 2 });
    const [a, b, c, d] = [entry(), entry(), entry(), entry()];
    add(a);
    add(b);
    cache.get(a.session.id, T0);
    cache.get(b.session.id, T0);
    add(c);
    expect(cache.get(a.session.id, T0)).toBeUndefined();
    expect(cache.get(c.session.id, T0)).toEqual(c);
    // b and c were both used since the last eviction passed them: b, the older, goes for d.
    expect(cache.get(b.session.id, T0)).toEqual(b);
    add(d);
    expect(cache.stats().entries).toBe(2);
    expect(cache.get(b.session.id, T0)).toBeUndefined();
    expect(cache.get(c.session.id, T0)).toEqual(c);
    expect(cache.get(d.session.id, T0)).toEqual(d);
  });

  it("forgets an entry at the session's expiry, its cap, or the max age, whichever is first", () => {
    const { cache, add } = cacheWith({ maxAgeMs: 5 * MINUTE });
    const expiring = entry(undefined, { expiresIn: 2 * MINUTE });
    const capped = entry(undefined, { cappedIn: 3 * MINUTE });
    const long = entry();
    for (const item of [expiring, capped, long]) add(item);

    expect(cache.get(expiring.session.id, T0 + 2 * MINUTE - 1)).toEqual(expiring);
    expect(cache.get(expiring.session.id, T0 + 2 * MINUTE)).toBeUndefined();
    expect(cache.get(capped.session.id, T0 + 3 * MINUTE - 1)).toEqual(capped);
    expect(cache.get(capped.session.id, T0 + 3 * MINUTE)).toBeUndefined();
    expect(cache.get(long.session.id, T0 + 5 * MINUTE - 1)).toEqual(long);
    expect(cache.get(long.session.id, T0 + 5 * MINUTE)).toBeUndefined();
    expect(cache.stats().entries).toBe(0);
  });

  it("refuses a session that is not live", () => {
    const { cache, add } = cacheWith();
    const revoked = entry();
    revoked.session.revokedAt = new Date(T0);
    expect(add(revoked)).toBe(false);
    expect(add(entry(undefined, { expiresIn: 0 }))).toBe(false);
    expect(cache.stats().entries).toBe(0);
  });

  it("drops one session, or every session of a user", () => {
    const { cache, add } = cacheWith();
    const userId = randomUUID();
    const [mine, alsoMine, theirs] = [entry(userId), entry(userId), entry()];
    for (const item of [mine, alsoMine, theirs]) add(item);

    cache.invalidateSession(mine.session.id);
    expect(cache.get(mine.session.id, T0)).toBeUndefined();
    expect(cache.get(alsoMine.session.id, T0)).toEqual(alsoMine);

    add(mine);
    cache.invalidateUser(userId);
    expect(cache.get(mine.session.id, T0)).toBeUndefined();
    expect(cache.get(alsoMine.session.id, T0)).toBeUndefined();
    expect(cache.get(theirs.session.id, T0)).toEqual(theirs);

    cache.invalidateAll();
    expect(cache.stats().entries).toBe(0);
  });

  it("refuses a read that began before its session or user was invalidated (the epoch guard)", () => {
    const { cache } = cacheWith();
    const one = entry();
    // A read begins; meanwhile the revocation of its session is heard: its result is stale.
    let ticket = cache.ticket();
    cache.invalidateSession(one.session.id);
    expect(cache.put(ticket, one, T0)).toBe(false);
    expect(cache.get(one.session.id, T0)).toBeUndefined();

    for (const invalidate of [
      () => cache.invalidateUser(one.userId),
      () => cache.invalidateAll(),
    ]) {
      ticket = cache.ticket();
      invalidate();
      expect(cache.put(ticket, one, T0)).toBe(false);
    }
    // Someone else's logout does not spoil the read; one heard before it began does not either.
    ticket = cache.ticket();
    cache.invalidateSession(randomUUID());
    cache.invalidateUser(randomUUID());
    expect(cache.put(ticket, one, T0)).toBe(true);
  });

  it("refuses, once it has forgotten older invalidations, every read that began before them", () => {
    const state = { trusted: true };
    const cache = createSessionCache({
      maxEntries: 10,
      maxInvalidationRecords: 2,
      trusted: () => state.trusted,
    });
    const one = entry();
    const ticket = cache.ticket();
    cache.invalidateSession(one.session.id);
    // Two more push that record out: the cache can no longer tell, so it says no.
    cache.invalidateSession(randomUUID());
    cache.invalidateSession(randomUUID());
    expect(cache.put(ticket, one, T0)).toBe(false);
    expect(cache.put(cache.ticket(), one, T0)).toBe(true);
  });

  it("is bypassed while not trusted: no hits, no tickets, no inserts", () => {
    const { cache, state, add } = cacheWith();
    const one = entry();
    add(one);
    const ticket = cache.ticket();
    state.trusted = false;
    expect(cache.get(one.session.id, T0)).toBeUndefined();
    expect(cache.ticket()).toBeNull();
    expect(cache.put(ticket, entry(), T0)).toBe(false);
    expect(cache.put(null, entry(), T0)).toBe(false);
    expect(cache.stats().trusted).toBe(false);
  });

  it("refuses a size below 1 (0 means no cache at all, decided by the caller)", () => {
    expect(() => createSessionCache({ maxEntries: 0, trusted: () => true })).toThrow(TypeError);
  });
});
