// A bounded in-process cache of live sessions, so a Bearer call need not read the database; it
// is trusted only while something (the change listener) vouches that no invalidation was missed.
import type { SessionAuth, UserIdentity } from "@kit/db";
import { createInvalidationLog } from "./invalidation-log";

/** What loadLiveSession found for a live session, and whose it is. */
export interface CachedSession {
  userId: string;
  user: UserIdentity;
  session: SessionAuth;
}

/** Taken before a database read: its result may be cached only if its session and user were not invalidated since. */
export interface CacheTicket {
  readonly epoch: number;
}

export interface SessionCacheStats {
  entries: number;
  hits: number;
  misses: number;
  /** False while the cache is bypassed (its listener is not listening). */
  trusted: boolean;
}

/**
 * The cache AppDeps carries. Only live sessions go in; a hit still has to match the token's user
 * and be live at the caller's clock, and anything short of that goes to the database.
 */
export interface SessionCache {
  /** The entry for a session id, or undefined: none, past its time, or the cache is not trusted. */
  get(sessionId: string, now: number): CachedSession | undefined;
  /** Take before reading the database; null: whatever the read finds must not be cached. */
  ticket(): CacheTicket | null;
  /** Caches a live session read under `ticket`; false when refused (see ticket()). */
  put(ticket: CacheTicket | null, entry: CachedSession, now: number): boolean;
  /** This session changed: drop it, and refuse its results read before now. */
  invalidateSession(sessionId: string): void;
  /** This user changed: drop every session of theirs, and refuse their results read before now. */
  invalidateUser(userId: string): void;
  /** Drop everything, and refuse results read before now. */
  invalidateAll(): void;
  stats(): SessionCacheStats;
  close(): Promise<void>;
}

export interface SessionCacheOptions {
  /**
   * The most entries kept. Past it, the oldest entry not used since the eviction last passed it
   * goes first (second chance: least recently used, near enough, at no cost to a hit).
   */
  maxEntries: number;
  /** The longest an entry is kept, whatever the session's own expiry; default 5 min. */
  maxAgeMs?: number;
  /** Whether invalidations are being heard right now; while false the cache is bypassed. */
  trusted: () => boolean;
  /** How many invalidated ids are remembered for the epoch guard; default 10000. */
  maxInvalidationRecords?: number;
}

interface Slot {
  entry: CachedSession;
  /** Hit since it was cached or since eviction last passed it over. */
  used: boolean;
  /** ms since the epoch: the session's expiry, its cap, or the max age, whichever is first. */
  until: number;
}

export const DEFAULT_SESSION_CACHE_MAX_AGE_MS = 5 * 60_000;

/**
 * The in-memory store: a Map in the order of second chance, an index of sessions by user, and an
 * invalidation log (the epoch guard against a read that began before a change to its session or
 * user and ended after the change was heard).
 *
 * @example
 * const cache = createSessionCache({ maxEntries: 10_000, trusted: () => listener.listening });
 * const ticket = cache.ticket(); // before the read
 * const found = await readFromDatabase();
 * cache.put(ticket, found, Date.now());
 */
export function createSessionCache(options: SessionCacheOptions): SessionCache {
  if (!Number.isInteger(options.maxEntries) || options.maxEntries < 1) {
    throw new TypeError("maxEntries must be a whole number of at least 1");
  }
  const maxAgeMs = options.maxAgeMs ?? DEFAULT_SESSION_CACHE_MAX_AGE_MS;
  const slots = new Map<string, Slot>();
  const byUser = new Map<string, Set<string>>();
  const log = createInvalidationLog(options.maxInvalidationRecords);
  let hits = 0;
  let misses = 0;

  const remove = (sessionId: string) => {
    const slot = slots.get(sessionId);
    if (!slot) return;
    slots.delete(sessionId);
    const sessions = byUser.get(slot.entry.userId);
    sessions?.delete(sessionId);
    if (sessions?.size === 0) byUser.delete(slot.entry.userId);
  };

  const cache: SessionCache = {
    get(sessionId, now) {
      const slot = options.trusted() ? slots.get(sessionId) : undefined;
      if (!slot || slot.until <= now) {
        if (slot) remove(sessionId);
        misses += 1;
        return undefined;
      }
      // A flag rather than moving the entry to the Map's end: every protected call hits here.
      slot.used = true;
      hits += 1;
      return slot.entry;
    },
    ticket() {
      return options.trusted() ? { epoch: log.epoch } : null;
    },
    put(ticket, entry, now) {
      if (ticket === null || !options.trusted()) return false;
      const { session } = entry;
      if (log.changedSince(ticket.epoch, [`s:${session.id}`, `u:${entry.userId}`])) return false;
      if (session.revokedAt !== null) return false;
      const until = Math.min(
        session.expiresAt.getTime(),
        session.absoluteExpiresAt.getTime(),
        now + maxAgeMs,
      );
      if (until <= now) return false;
      remove(session.id);
      // Shared by every request that hits it: nobody may change it in place.
      const frozen = Object.freeze({
        userId: entry.userId,
        user: Object.freeze({ ...entry.user }),
        session: Object.freeze({ ...session }),
      });
      slots.set(session.id, { entry: frozen, until, used: false });
      let sessions = byUser.get(entry.userId);
      if (!sessions) {
        sessions = new Set();
        byUser.set(entry.userId, sessions);
      }
      sessions.add(session.id);
      // Map keeps insertion order: the first entry is the oldest. One used since it was cached
      // (or last passed over) goes to the end, unflagged, and so does the one just cached (when
      // every other is in use it must still get in, as least-recently-used would let it); the
      // first other one goes.
      while (slots.size > options.maxEntries) {
        const oldest = slots.entries().next();
        if (oldest.done) break;
        const [id, slot] = oldest.value;
        if (slot.used || id === session.id) {
          slot.used = false;
          slots.delete(id);
          slots.set(id, slot);
        } else {
          remove(id);
        }
      }
      return true;
    },
    invalidateSession(sessionId) {
      log.record(`s:${sessionId}`);
      remove(sessionId);
    },
    invalidateUser(userId) {
      log.record(`u:${userId}`);
      for (const sessionId of [...(byUser.get(userId) ?? [])]) remove(sessionId);
    },
    invalidateAll() {
      log.recordAll();
      slots.clear();
      byUser.clear();
    },
    stats() {
      return { entries: slots.size, hits, misses, trusted: options.trusted() };
    },
    async close() {
      cache.invalidateAll();
    },
  };
  return cache;
}
