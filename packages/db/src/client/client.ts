// The Prisma client factory, the pool under it, and the generated client's types re-exported for
// the other packages.
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { DEFAULT_DATABASE_TIMEOUT_MS } from "../database-timeout";
import { PrismaClient } from "../generated/prisma/client";
import { type AbandonedReport, cancelAbandonedStatements } from "./abandoned-statements";

export { DEFAULT_DATABASE_TIMEOUT_MS } from "../database-timeout";
export type { Role, Session, User } from "../generated/prisma/client";
export { Prisma, PrismaClient } from "../generated/prisma/client";

export interface PrismaClientOptions {
  /** Shown as `application_name` in `pg_stat_activity`: which pool a connection belongs to. */
  applicationName?: string;
  /**
   * The longest a query waits for a connection (a free one in the full pool, or a new one to a
   * server that does not answer), and the longest one statement may run on the server. Past it
   * the query fails, and `isDatabaseUnavailable` says so. Default 5000 ms.
   */
  timeoutMs?: number;
  /** Where to say that statements the server did not answer in time were cancelled. */
  reportCancels?: AbandonedReport;
}

/**
 * The `pg` pool under a client made here. Prisma's raw-query path costs several times what the
 * statement does (a `SELECT 1` ~110 µs of CPU in Node, a CTE with a dozen parameters ~450 µs,
 * and the server plans it again each time); the few statements on a hot path run on the same
 * connections through `pg` with a named (prepared) statement instead: same pool, same timeouts.
 */
export type SqlPool = pg.Pool;

const pools = new WeakMap<PrismaClient, SqlPool>();

// How much longer than statement_timeout the client waits for an answer: enough for the server's
// cancellation (57014) to arrive first from a busy but working server.
const QUERY_TIMEOUT_MARGIN_MS = 1000;

/**
 * A Prisma client talking to `url` through `pg` (Prisma 7 needs no engine binary at runtime).
 * Call `$disconnect()` when done: the pool keeps the process alive otherwise.
 */
export function createPrismaClient(url: string, options: PrismaClientOptions = {}): PrismaClient {
  const timeoutMs = options.timeoutMs ?? DEFAULT_DATABASE_TIMEOUT_MS;
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1) {
    throw new TypeError(`timeoutMs must be a whole number of ms ≥ 1 (got ${String(timeoutMs)}).`);
  }
  const pool = new pg.Pool({
    connectionString: url,
    onConnect: inUtc,
    application_name: options.applicationName,
    // pg's default is to wait forever: for a free connection when the pool is full, and for
    // a server that neither accepts nor refuses. A request must fail instead, and say why.
    connectionTimeoutMillis: timeoutMs,
    // Enforced by the server (57014), so a statement stuck behind a lock ends and its
    // connection comes back clean; a client-side timer would leave the statement running.
    statement_timeout: timeoutMs,
    // But a server that cannot answer at all (frozen, or its host gone without a FIN or RST)
    // enforces nothing, and the call would wait forever. So a client-side limit too, a little
    // later than the server's, which fires first whenever the server can act; the pool then
    // drops that connection and cancels its statement (below).
    query_timeout: timeoutMs + QUERY_TIMEOUT_MARGIN_MS,
    // A server gone silent (no FIN, no RST) is noticed on idle connections, not never.
    keepAlive: true,
  });
  cancelAbandonedStatements(pool, timeoutMs, options.reportCancels);
  const prisma = new PrismaClient({
    // An interactive transaction waits for its connection at most `maxWait` (Prisma's default
    // 2 s), then fails with P2028, a code it also uses for misuse. Waiting a little longer than
    // the pool lets pg's own timeout answer first, which isDatabaseUnavailable recognises.
    transactionOptions: { maxWait: timeoutMs + 1000 },
    // $disconnect() ends the pool, as it would a pool of the adapter's own.
    adapter: new PrismaPg(pool, { disposeExternalPool: true }),
  });
  return registerPool(prisma, pool);
}

/**
 * The pool's `onConnect`: a connection's session goes to UTC before the pool hands it out (a
 * failure ends it). Prisma's pg adapter writes a Date as its UTC wall-clock time with no offset,
 * and reads a timestamptz by relabelling whatever offset the server sent as +00:00: in a session
 * of any other zone (an embedded server's initdb takes the host's; a managed one may be set to
 * its operators') every time written or read through Prisma shifted by the zone's offset, against
 * times PostgreSQL computes itself (`now()`, the refresh swap's): a second tab's refresh became
 * reuse west of UTC, and the grace window lasted hours east of it. A `SET`, not the startup
 * `options`, which a connection string's own `options` would replace; PgBouncer tracks and
 * replays `TimeZone`.
 */
export async function inUtc(client: pg.ClientBase): Promise<void> {
  await client.query("SET TimeZone TO 'UTC'");
}

/** Remembers `pool` as the one under `prisma` (for poolOf); returns `prisma`. */
export function registerPool(prisma: PrismaClient, pool: SqlPool): PrismaClient {
  pools.set(prisma, pool);
  return prisma;
}

/**
 * The pool under `prisma`, for statements run through `pg` directly on its connections.
 * Throws for a client not made by createPrismaClient (or @kit/db/testing's logged client).
 */
export function poolOf(prisma: PrismaClient): SqlPool {
  const pool = pools.get(prisma);
  if (!pool) throw new TypeError("poolOf: this Prisma client was not made by createPrismaClient.");
  return pool;
}
