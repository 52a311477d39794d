// Refresh rotation's swap: check the user, move the session's jti on, and record `refreshed`,
// atomically and in one round trip; concurrent swaps share that round trip (group commit).
import { DEFAULT_DATABASE_TIMEOUT_MS, type SqlPool, type UserIdentity } from "@kit/db";
import type pg from "pg";
import { Batcher } from "../batching/batcher";
import type { ClientInfo } from "../client-info";
import { type DatabaseClock, databaseClockOf } from "../database-clock";
import type { AppDeps } from "../deps";
import { databaseUnavailable } from "../errors";

export interface SwapRequest {
  userId: string;
  sessionId: string;
  /** The jti of the token presented: the swap happens only while it is the session's current. */
  jti: string;
  /** The jti of the token minted to replace it, and that token's expiry (ms since the epoch). */
  nextJti: string;
  nextExpiresAtMs: number;
  /** Who rotates (see clientFingerprint): only they may replay `jti` in the grace window. */
  fingerprint: string;
  /** rotationNow(deps) (ms since the epoch): the instant the swap records, not SQL's now(). */
  nowMs: number;
  client: ClientInfo;
}

export type SwapResult =
  | { swapped: true; user: UserIdentity }
  /**
   * Nothing changed. `absoluteExpiresAt` is the session's cap when the user is active and the
   * session theirs (a token minted past the cap is refused, and may be minted again within it);
   * null when not, or when the session is gone: the caller works out which error it is.
   */
  | { swapped: false; absoluteExpiresAt: Date | null; late?: undefined }
  /**
   * Nothing changed because the statement started too late to be answered in time (see
   * startDeadline): the caller answers 503, and the token presented is still the current one.
   */
  | { swapped: false; late: true };

interface Row {
  idx: number;
  id: string;
  email: string;
  name: string | null;
  role: UserIdentity["role"];
  /** ms since the epoch (see swapStatement). */
  absolute_expires_ms: number;
  swapped: boolean;
  late: boolean;
  /** The database's clock as the statement ran, ms since the epoch (see DatabaseClock). */
  database_ms: number;
}

// Named statements: each connection parses and plans them once, then only binds and executes.
// The requests come in as parallel arrays, so one text serves a batch of any size. `locked`
// takes the sessions' row locks, in id order, before the UPDATE touches them. A lone swap waits
// for a lock another transaction holds (a concurrent rotation of its session: it then sees the
// winner's row), as a single UPDATE would. A batch of several never waits (NOWAIT): a session
// held elsewhere, by another server's batch or an operator's open transaction, must not stall
// the other sessions of the batch; the batch fails at once and its swaps run one by one.
// Instants travel as epoch milliseconds both ways: pg formats a Date parameter (and parses a
// timestamptz) with string work that cost a refresh several µs, where a number is one
// conversion in SQL. to_timestamp keeps milliseconds exact: ms / 1000 in float8 is rounded to
// the microsecond, and the result is read back as whole milliseconds.
// $11 is the latest instant, on the database's clock, at which the statement may still start
// (null: no limit); one that starts later swaps nothing and says `late` (see startDeadline).
/**
 * How many tokens of a run of rotations by one client stay honoured in the grace window (the
 * newest): more tabs than this loading at once is more than a browser restores.
 */
const RETIRED_KEPT = 8;

const swapStatement = (name: string, lock: string) => ({
  name,
  text: `
    WITH clock AS (
      SELECT extract(epoch FROM clock_timestamp())::float8 * 1000 AS ms
    ), request AS (
      SELECT r.idx, r.user_id, r.session_id, r.jti, r.next_jti,
        to_timestamp(r.next_expires_ms / 1000.0) AS next_expires_at,
        to_timestamp(r.now_ms / 1000.0) AS now, r.rotated_by, r.ip, r.user_agent,
        (c.ms > $11::float8) IS TRUE AS late
      FROM unnest($1::int[], $2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[],
        $6::int8[], $7::int8[], $8::text[], $9::text[], $10::text[])
        AS r(idx, user_id, session_id, jti, next_jti, next_expires_ms, now_ms, rotated_by, ip,
          user_agent)
        CROSS JOIN clock c
    ), locked AS (
      SELECT id FROM sessions WHERE id IN (SELECT session_id FROM request)
      ORDER BY id ${lock}
    ), owner AS (
      SELECT r.*, u.email, u.name, u.role, s.absolute_expires_at
      FROM request r
      JOIN users u ON u.id = r.user_id AND u.is_active
      JOIN sessions s ON s.id = r.session_id AND s.user_id = r.user_id
    ), swapped AS (
      UPDATE sessions SET
        refresh_jti = o.next_jti,
        previous_jti = o.jti,
        -- The run's newest RETIRED_KEPT − 1 and this one; another client starts a run anew.
        retired_jtis = (CASE WHEN sessions.rotated_by = o.rotated_by
          THEN (coalesce(sessions.retired_jtis, '{}'))[greatest(cardinality(sessions.retired_jtis) - ${RETIRED_KEPT - 2}, 1):]
          ELSE '{}'::uuid[] END) || o.jti,
        retired_at = (CASE WHEN sessions.rotated_by = o.rotated_by
          THEN (coalesce(sessions.retired_at, '{}'))[greatest(cardinality(sessions.retired_at) - ${RETIRED_KEPT - 2}, 1):]
          ELSE '{}'::timestamptz[] END) || o.now,
        rotated_at = o.now,
        rotated_by = o.rotated_by,
        unanswered_jti = NULL,
        last_used_at = o.now,
        expires_at = o.next_expires_at
      FROM owner o JOIN locked l ON l.id = o.session_id
      WHERE NOT o.late
        AND sessions.id = o.session_id
        AND sessions.user_id = o.user_id
        AND sessions.refresh_jti = o.jti
        AND sessions.revoked_at IS NULL
        AND sessions.expires_at > o.now
        AND sessions.absolute_expires_at > o.now
        AND sessions.absolute_expires_at >= o.next_expires_at
      RETURNING o.idx, sessions.id, sessions.user_id, o.ip, o.user_agent, o.now
    ), recorded AS (
      INSERT INTO auth_events (type, user_id, session_id, ip, user_agent, created_at)
      SELECT 'refreshed', w.user_id, w.id, w.ip, w.user_agent, w.now FROM swapped w
    )
    SELECT o.idx, o.user_id::text AS id, o.email, o.name, o.role::text AS role,
      floor(extract(epoch FROM o.absolute_expires_at) * 1000)::float8 AS absolute_expires_ms,
      EXISTS (SELECT 1 FROM swapped w WHERE w.idx = o.idx) AS swapped, o.late,
      (SELECT ms FROM clock) AS database_ms
    FROM owner o`,
});
const SWAP_ONE = swapStatement("kit_swap_refresh_one", "FOR UPDATE");
const SWAP_MANY = swapStatement("kit_swap_refresh_many", "FOR UPDATE NOWAIT");

/**
 * The latest instant (on the database's clock) at which a swap sent at `sentAt` may start, so
 * that it is over before this process stops waiting for it. pg gives up on a statement after
 * query_timeout and the server ends one after statement_timeout (client.ts in @kit/db): a
 * statement that starts no later than their difference after it was sent is answered, or ended,
 * in time. One that starts later reached the database late (a server stopped and resumed, a
 * network that delivered it once it healed): its client may have been told 503 already and
 * still holds the token presented, so it must not rotate the session behind the client's back.
 * Null (no limit) before the first reading of the database's clock, or on a pool without both
 * timeouts.
 */
function startDeadline(pool: SqlPool, clock: DatabaseClock, sentAt: number): number | null {
  const { query_timeout: answered, statement_timeout: ended } = pool.options;
  if (typeof answered !== "number" || typeof ended !== "number" || answered <= ended) return null;
  return clock.toDatabase(sentAt + answered - ended) ?? null;
}

// Failures met before the statement left (no connection could be had): nothing was swapped.
const unsent = new WeakSet<object>();

/**
 * True for a swap's failure that came before its statement was sent (no connection free in
 * time, none could be made): that swap cannot have taken, whatever the database does next.
 */
export function neverSent(error: unknown): boolean {
  return typeof error === "object" && error !== null && unsent.has(error);
}

/**
 * `pool.query`, knowing when the statement left: once a connection was free (a wait for one is
 * not the database's lateness). A failure releases the connection as `pool.query` does.
 */
async function queryTimed<R extends pg.QueryResultRow>(
  pool: SqlPool,
  config: (sentAt: number) => pg.QueryConfig,
): Promise<{ rows: R[]; sentAt: number }> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    if (typeof error === "object" && error !== null) unsent.add(error);
    throw error;
  }
  // The query's rejection reports a broken connection; unheard, its 'error' would end the process.
  const ignore = () => {};
  client.on("error", ignore);
  let failure: Error | undefined;
  try {
    const sentAt = Date.now();
    const { rows } = await client.query<R>(config(sentAt));
    return { rows, sentAt };
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    client.off("error", ignore);
    client.release(failure);
  }
}

/** Runs a batch of swaps as one statement: one result per request, in order. */
export async function runSwaps(
  pool: SqlPool,
  batch: readonly SwapRequest[],
): Promise<SwapResult[]> {
  const column = <T>(of: (request: SwapRequest, index: number) => T) => batch.map(of);
  const clock = databaseClockOf(pool);
  const statement = batch.length === 1 ? SWAP_ONE : SWAP_MANY;
  // Named, not `{ ...statement, values }`: a property added to a spread copy costs ~1.5 µs on
  // Node 20 (packages/bench/PERFORMANCE.md).
  const { rows, sentAt } = await queryTimed<Row>(pool, (sentAt) => ({
    name: statement.name,
    text: statement.text,
    values: [
      column((_, i) => i),
      column((r) => r.userId),
      column((r) => r.sessionId),
      column((r) => r.jti),
      column((r) => r.nextJti),
      column((r) => r.nextExpiresAtMs),
      column((r) => r.nowMs),
      column((r) => r.fingerprint),
      column((r) => r.client.clientIp),
      column((r) => r.client.userAgent),
      startDeadline(pool, clock, sentAt),
    ],
  }));
  const [first] = rows;
  if (first) clock.observe(first.database_ms, sentAt, Date.now());
  const results: SwapResult[] = batch.map(() => ({ swapped: false, absoluteExpiresAt: null }));
  for (const row of rows) {
    results[row.idx] = row.swapped
      ? { swapped: true, user: { id: row.id, email: row.email, name: row.name, role: row.role } }
      : row.late
        ? { swapped: false, late: true }
        : { swapped: false, absoluteExpiresAt: new Date(row.absolute_expires_ms) };
  }
  return results;
}

// A failure that may be one request's alone: bad data (22), a constraint (23), a lost lock race
// (40), a session locked elsewhere (55P03, from NOWAIT). The batch is rolled back whole, and its
// requests are tried again one by one.
const ONE_REQUEST_FAILURE = /^(22[0-9A-Z]{3}|23[0-9A-Z]{3}|40[0-9A-Z]{3}|55P03)$/;
const isOneRequestsFailure = (error: unknown) =>
  typeof error === "object" &&
  error !== null &&
  ONE_REQUEST_FAILURE.test(String((error as { code?: unknown }).code));

/** Swaps batched together at most, and batches running at once per pool. */
export const SWAP_BATCH = { maxBatch: 64, maxInFlight: 2 } as const;

// One batcher per pool: every request on this process's pool shares its statements.
const batchers = new WeakMap<SqlPool, Batcher<SwapRequest, SwapResult>>();

function batcherOf(pool: SqlPool): Batcher<SwapRequest, SwapResult> {
  let batcher = batchers.get(pool);
  if (!batcher) {
    batcher = new Batcher({
      ...SWAP_BATCH,
      run: (batch) => runSwaps(pool, batch),
      keyOf: (request) => request.sessionId,
      retryAlone: isOneRequestsFailure,
      // DATABASE_TIMEOUT (the pool's wait for a connection): a swap queued behind one session's
      // others longer than that answers 503 when its turn comes, rather than wait out a timeout
      // of its own.
      tooLate: {
        afterMs: pool.options.connectionTimeoutMillis || DEFAULT_DATABASE_TIMEOUT_MS,
        error: () => {
          const error = databaseUnavailable();
          unsent.add(error);
          return error;
        },
      },
    });
    batchers.set(pool, batcher);
  }
  return batcher;
}

/**
 * Swaps `jti` for `nextJti` when the user is active and the session theirs, live (not revoked,
 * before its expiry and its cap) and still holding `jti`, and the new token ends within the cap.
 * The UPDATE's condition is re-checked on the latest row version when another rotation got
 * there first, so of concurrent swaps with one jti exactly one changes the row, and only that
 * one inserts its `refreshed` event (the INSERT reads the UPDATE's RETURNING); one session is
 * never twice in a batch (the batcher keys by session).
 * Swaps submitted while others run share one statement (see Batcher): on a busy server one
 * round trip and one commit carry dozens of rotations, each still all-or-nothing with its event.
 * Ids and jtis must be UUIDs: check them first. Runs through `pg` (deps.pool), not Prisma: it is
 * the one write on every refresh (see SqlPool in @kit/db for what that saves).
 */
export function swapRefresh(deps: AppDeps, request: SwapRequest): Promise<SwapResult> {
  return batcherOf(deps.pool).submit(request);
}
