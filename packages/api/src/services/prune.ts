// Pruning: deletes audit events past their retention, sessions that are over and expired
// rate-limit rows, in small batches. The runtime runs it on a timer; a command can call it too.
import type { PrismaClient } from "@kit/db";
import { assertWholeAtLeastOne } from "../whole-number";

export interface PruneOptions {
  /** ms since the epoch: what "expired" and "older than" are measured against. */
  now: number;
  /** Audit events older than this (ms) are deleted; 0 keeps them forever. */
  eventRetentionMs: number;
  /** Rows per DELETE statement; default 1000. */
  batchSize?: number;
  /** Stops between batches (a server shutting down); what was deleted stays deleted. */
  signal?: AbortSignal;
}

export interface PruneCounts {
  events: number;
  sessions: number;
  rateLimits: number;
}

const DEFAULT_BATCH_SIZE = 1000;
// rate-limiter-flexible's rule for its own sweeper: a row expired for an hour can go. The margin
// leaves a row alone while a limiter call that read it before it expired may still write it.
const RATE_LIMIT_MARGIN_MS = 3600_000;

/**
 * Deletes, each in batches of `batchSize` rows so a large backlog never holds long locks:
 * - audit events (`auth_events`) created before `now - eventRetentionMs` (none when 0);
 * - sessions that are over: revoked, or past their refresh expiry or their absolute cap (what
 *   `loadLiveSession` refuses). A live session is never touched;
 * - rate-limit rows (`rate_limits`, the PostgreSQL store) expired over an hour ago.
 * Rows locked by a request at that moment are skipped (`SKIP LOCKED`) and go next time, so
 * several instances pruning at once share the work instead of waiting on each other.
 *
 * @example
 * const counts = await pruneExpired(prisma, { now: Date.now(), eventRetentionMs: 90 * DAY_MS });
 */
export async function pruneExpired(
  prisma: PrismaClient,
  options: PruneOptions,
): Promise<PruneCounts> {
  const { now, eventRetentionMs, signal } = options;
  const batch = options.batchSize ?? DEFAULT_BATCH_SIZE;
  assertWholeAtLeastOne("batchSize", batch);
  if (!Number.isFinite(eventRetentionMs) || eventRetentionMs < 0) {
    throw new TypeError(`eventRetentionMs must be 0 or more (got ${String(eventRetentionMs)}).`);
  }
  const at = new Date(now);
  const eventsBefore = new Date(now - eventRetentionMs);
  const rateLimitsBefore = now - RATE_LIMIT_MARGIN_MS;

  // Each statement repeats its condition outside the sub-select: a row changed between the two
  // (a session refreshed at that instant) is then left alone.
  const events =
    eventRetentionMs === 0
      ? 0
      : await inBatches(
          // No FOR UPDATE here: it needs UPDATE on the table, which a DML-only role is denied
          // on the audit trail (README). Another server pruning the same rows at once makes
          // this batch come back short, and this run stop early; the next run goes on.
          () => prisma.$executeRaw`
            DELETE FROM auth_events WHERE created_at < ${eventsBefore} AND id IN (
              SELECT id FROM auth_events WHERE created_at < ${eventsBefore}
              ORDER BY created_at LIMIT ${batch})`,
          batch,
          signal,
        );
  const sessions = await inBatches(
    () => prisma.$executeRaw`
      DELETE FROM sessions
      WHERE (revoked_at IS NOT NULL OR expires_at <= ${at} OR absolute_expires_at <= ${at})
        AND id IN (
          SELECT id FROM sessions
          WHERE revoked_at IS NOT NULL OR expires_at <= ${at} OR absolute_expires_at <= ${at}
          LIMIT ${batch} FOR UPDATE SKIP LOCKED)`,
    batch,
    signal,
  );
  const rateLimits = await inBatches(
    () => prisma.$executeRaw`
      DELETE FROM rate_limits WHERE expire < ${rateLimitsBefore} AND key IN (
        SELECT key FROM rate_limits WHERE expire < ${rateLimitsBefore}
        LIMIT ${batch} FOR UPDATE SKIP LOCKED)`,
    batch,
    signal,
  );
  return { events, sessions, rateLimits };
}

/** Runs `deleteBatch` until a batch comes back short (nothing left) or `signal` aborts. */
async function inBatches(
  deleteBatch: () => Promise<number>,
  batch: number,
  signal: AbortSignal | undefined,
): Promise<number> {
  let total = 0;
  for (;;) {
    if (signal?.aborted) return total;
    const deleted = await deleteBatch();
    total += deleted;
    if (deleted < batch) return total;
  }
}
