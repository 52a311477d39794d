// A refresh the server answered 503 may still have rotated the session: its swap can commit after
// the server stopped waiting (a commit that stalls on fsync or a synchronous standby, an answer
// lost on the way back). Its client holds the token it presented and never got the new one; past
// the grace window that token would be reuse, and the session revoked: a sign-out by accident.
// The server that gave up therefore records, once the database answers, that the rotation went
// unanswered (sessions.unanswered_jti), and the token presented to it counts for its client until
// the next rotation (see withinGrace).
import { setTimeout as sleep } from "node:timers/promises";
import { loggableDatabaseError, type PrismaClient, type SessionRotation } from "@kit/db";
import { reloadSession } from "../authentication/live-session";
import type { AppDeps } from "../deps";

export interface UnansweredRotation {
  sessionId: string;
  /** The jti presented, which the client still holds. */
  jti: string;
  /** The jti minted in its place: never delivered by this request. */
  nextJti: string;
  /** The client that rotated (clientFingerprint), as the swap recorded it. */
  fingerprint: string;
  /** When the presented token expires (ms since the epoch): past it, there is nothing to keep. */
  untilMs: number;
}

/** Rotations waiting to be marked, per process; beyond this the oldest are given up (logged). */
export const MAX_WAITING = 10_000;
/**
 * Per session: a client retrying through an outage leaves one per try, of which one at most took,
 * most likely the first sent (the later ones found its swap holding the row, or done). Beyond
 * this the session keeps its first and its newest, and other sessions lose nothing.
 */
export const MAX_WAITING_PER_SESSION = 8;
/**
 * Delay before the first attempt, doubling after each failure up to the last (ms). Short: the
 * client's retry may come as soon as the database answers, and until the mark is made a retry
 * past the grace window is reuse. One statement per process carries every waiting rotation.
 */
export const RETRY_DELAYS_MS = { first: 500, max: 2000 } as const;

interface Marker {
  /** Per session, oldest first; sessions in the order they first waited. */
  waiting: Map<string, UnansweredRotation[]>;
  /** Rotations in `waiting`, all sessions together. */
  size: number;
  timer: NodeJS.Timeout | null;
  delayMs: number;
  running: boolean;
  /** Said once per overflow, not once per rotation given up. */
  toldFull: boolean;
}

// One marker per database client: every request of this process shares its statement.
const markers = new WeakMap<PrismaClient, Marker>();

/**
 * Records, as soon as the database answers, that the swap of `rotation` (which this server gave
 * up on) went unanswered, if it did take. Harmless if it did not: the minted jti is in no row
 * unless that very swap committed, and the mark is made only while it is still the current one
 * (no later rotation). Never throws; failures are retried with back-off until the presented
 * token expires.
 */
export function markUnanswered(deps: AppDeps, rotation: UnansweredRotation): void {
  let marker = markers.get(deps.prisma);
  if (!marker) {
    marker = {
      waiting: new Map(),
      size: 0,
      timer: null,
      delayMs: RETRY_DELAYS_MS.first,
      running: false,
      toldFull: false,
    };
    markers.set(deps.prisma, marker);
  }
  const ofSession = marker.waiting.get(rotation.sessionId);
  if (ofSession) ofSession.push(rotation);
  else marker.waiting.set(rotation.sessionId, [rotation]);
  marker.size += 1;
  if (ofSession && ofSession.length > MAX_WAITING_PER_SESSION) {
    forget(marker, rotation.sessionId, 1);
  }
  if (marker.size > MAX_WAITING) {
    const [oldest] = marker.waiting.keys();
    if (oldest !== undefined) forget(marker, oldest, 0);
    if (!marker.toldFull) {
      marker.toldFull = true;
      deps.logger.warn(
        { waiting: MAX_WAITING },
        "too many unanswered refreshes waiting for the database: the oldest are given up (their clients may be signed out at their next refresh)",
      );
    }
  }
  schedule(deps, marker);
}

function schedule(deps: AppDeps, marker: Marker, delayMs = marker.delayMs): void {
  if (marker.timer || marker.running) return;
  marker.timer = setTimeout(() => {
    marker.timer = null;
    void attempt(deps, marker);
  }, delayMs);
  marker.timer.unref();
}

/** A try that met a held row and ran out of time: the database answers, try again at once. */
const AGAIN_AFTER_TIMEOUT_MS = 50;

/** True for a statement the database cancelled at statement_timeout (SQLSTATE 57014). */
function timedOutOnWorkingDatabase(error: unknown): boolean {
  const logged = loggableDatabaseError(error);
  return (logged?.sqlState ?? logged?.code) === "57014";
}

/** Removes the `index`th waiting rotation of `sessionId`. */
function forget(marker: Marker, sessionId: string, index: number): void {
  const ofSession = marker.waiting.get(sessionId);
  if (!ofSession || index >= ofSession.length) return;
  ofSession.splice(index, 1);
  marker.size -= 1;
  if (ofSession.length === 0) marker.waiting.delete(sessionId);
}

/** How many rotations this process is waiting to mark, on `prisma`'s database. */
export function waitingToMark(prisma: PrismaClient): number {
  return markers.get(prisma)?.size ?? 0;
}

async function attempt(deps: AppDeps, marker: Marker): Promise<void> {
  const now = Date.now();
  for (const [sessionId, ofSession] of marker.waiting) {
    const live = ofSession.filter((rotation) => rotation.untilMs > now);
    marker.size -= ofSession.length - live.length;
    if (live.length === 0) marker.waiting.delete(sessionId);
    else marker.waiting.set(sessionId, live);
  }
  // One rotation per session a statement (each session's oldest): an UPDATE joined to several
  // rows for one session uses one of them, and the others would be taken as answered. The rest
  // go next time.
  const batch: UnansweredRotation[] = [];
  for (const [first] of marker.waiting.values()) if (first) batch.push(first);
  if (batch.length === 0) return;
  marker.running = true;
  let nextDelayMs: number | undefined;
  try {
    const marked = await markRows(deps, batch);
    // Answered: each swap of the batch either took (and is marked now) or never will (one that
    // reaches the database this late does not start: see startDeadline in swap-refresh.ts).
    for (const rotation of batch) {
      const index = marker.waiting.get(rotation.sessionId)?.indexOf(rotation) ?? -1;
      if (index >= 0) forget(marker, rotation.sessionId, index);
    }
    marker.delayMs = RETRY_DELAYS_MS.first;
    marker.toldFull = false;
    if (marked > 0) logMarked(deps, marked);
    // The database answers: a session's other waiting rotations go now, not a delay later.
    nextDelayMs = 0;
  } catch (error) {
    if (timedOutOnWorkingDatabase(error)) {
      // A held commit keeps the row (a synchronous standby away): wait on it again at once, so
      // the mark lands as the commit does rather than up to a back-off later.
      nextDelayMs = AGAIN_AFTER_TIMEOUT_MS;
    } else {
      // The database is still away (the outage is logged where requests meet it): later.
      marker.delayMs = Math.min(marker.delayMs * 2, RETRY_DELAYS_MS.max);
    }
  } finally {
    marker.running = false;
  }
  if (marker.size > 0) schedule(deps, marker, nextDelayMs);
}

/** One line per statement that marked any: an operator counts the marks from the log. */
function logMarked(deps: AppDeps, sessions: number): void {
  deps.logger.warn(
    { sessions },
    "refreshes whose answers never reached their clients (a 503, a client gone) had rotated their sessions: those clients' tokens stay good until their next refresh",
  );
}

/**
 * Marks the sessions of `batch` whose swap took (one rotation per session); how many. Every row
 * is updated, by id alone, and the mark decided in SET: a swap whose commit is still held
 * (fsync, a synchronous standby) is invisible, and a condition on the new jti in WHERE would
 * match nothing and return at once. By id, the UPDATE waits for the swap's transaction, then
 * sees the row as it left it. A row that changes nothing is rewritten as it was (no trigger
 * fires for it).
 */
async function markRows(deps: AppDeps, batch: readonly UnansweredRotation[]): Promise<number> {
  const rows = await deps.prisma.$queryRaw<{ marked: boolean }[]>`
    UPDATE sessions s SET unanswered_jti = CASE
        WHEN s.refresh_jti = r.next_jti AND s.previous_jti = r.jti
          AND s.rotated_by = r.rotated_by AND s.revoked_at IS NULL
        THEN r.jti ELSE s.unanswered_jti END
    FROM unnest(
      ${batch.map((r) => r.sessionId)}::uuid[], ${batch.map((r) => r.jti)}::uuid[],
      ${batch.map((r) => r.nextJti)}::uuid[], ${batch.map((r) => r.fingerprint)}::text[]
    ) AS r(session_id, jti, next_jti, rotated_by)
    WHERE s.id = r.session_id
    RETURNING s.unanswered_jti IS NOT DISTINCT FROM r.jti AND s.refresh_jti = r.next_jti
      AS marked`;
  return rows.filter((row) => row.marked).length;
}

/**
 * For a refresh about to be called reuse: marks now the rotations of (`sessionId`, `jti`) this
 * process gave up on and has not marked yet; true when one took (the caller reads the session
 * again). The retry can come before the marker's next try: a retry already waiting on the
 * session's row when the held commit goes through is judged at once.
 */
export async function markWaitingNow(
  deps: AppDeps,
  sessionId: string,
  jti: string,
): Promise<boolean> {
  const marker = markers.get(deps.prisma);
  const mine = marker?.waiting.get(sessionId)?.filter((rotation) => rotation.jti === jti) ?? [];
  for (const rotation of mine) {
    const marked = await markRows(deps, [rotation]);
    // Gone already if the marker's own statement, running meanwhile, took it.
    const index = marker?.waiting.get(sessionId)?.indexOf(rotation) ?? -1;
    if (marker && index >= 0) forget(marker, sessionId, index);
    if (marked > 0) {
      logMarked(deps, marked);
      return true;
    }
  }
  return false;
}

// When each process last saw a refresh's swap fail (a timeout, a lost connection, none free).
const troubleSeen = new WeakMap<PrismaClient, number>();

/** How long after its last failed swap a process takes a retry for one around an outage (ms). */
export const TROUBLE_MEMORY_MS = 60_000;

/** Notes that a swap of this process failed: the database is, or just was, in trouble. */
export function noteDatabaseTrouble(deps: AppDeps): void {
  troubleSeen.set(deps.prisma, performance.now());
}

/**
 * Whether this process saw a swap fail within TROUBLE_MEMORY_MS: a commit stall holds every
 * server's writes, so a server that gave up on a rotation is seldom the only one to have met it.
 */
export function sawDatabaseTroubleLately(deps: AppDeps): boolean {
  const at = troubleSeen.get(deps.prisma);
  return at !== undefined && performance.now() - at < TROUBLE_MEMORY_MS;
}

/**
 * How long a refresh that waited on its session's row waits, at most, for another server's mark
 * (ms): that server's marker was waiting on the same row or sleeping its back-off, so it marks
 * within its longest delay and a statement.
 */
export const MARK_WAIT_MS = RETRY_DELAYS_MS.max + 1500;
const MARK_POLL_MS = 250;

// One wait per (session, token) in this process, however many retries share it.
const markWaits = new Map<string, Promise<SessionRotation | null>>();

/**
 * For a retry that waited on the session's row while a held commit went through (its swap took
 * as that commit did, on a server that gave up on it and marks it when its marker next runs):
 * the session once it is marked for `jti`, or changed otherwise, or as it is after MARK_WAIT_MS.
 * Null when the session is gone.
 */
export function awaitMark(
  deps: AppDeps,
  sessionId: string,
  jti: string,
): Promise<SessionRotation | null> {
  const key = `${sessionId}:${jti}`;
  let wait = markWaits.get(key);
  if (!wait) {
    wait = pollForMark(deps, sessionId, jti).finally(() => markWaits.delete(key));
    markWaits.set(key, wait);
  }
  return wait;
}

async function pollForMark(
  deps: AppDeps,
  sessionId: string,
  jti: string,
): Promise<SessionRotation | null> {
  // Real time, not deps.now(): what is waited for is another process's timer.
  const deadline = performance.now() + MARK_WAIT_MS;
  for (;;) {
    await sleep(MARK_POLL_MS);
    const session = await reloadSession(deps, sessionId);
    const settled =
      !session ||
      session.revokedAt !== null ||
      session.unansweredJti === jti ||
      session.previousJti !== jti;
    if (settled || performance.now() >= deadline) return session;
  }
}
