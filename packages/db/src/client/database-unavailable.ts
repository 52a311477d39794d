// Recognises a failure that says the database cannot be used right now (down, restarting,
// unreachable, out of connections, too slow), as opposed to a fault in the query or the data:
// the API answers the first kind 503 DB_UNAVAILABLE, so clients wait and retry instead of giving up.

import { adapterCause } from "./adapter-cause";
import { QUERY_READ_TIMEOUT } from "./query-read-timeout";

// Prisma's codes for the connection itself: can't reach (P1001), reached but timed out (P1002),
// socket timeout (P1008), connection closed (P1017), pool timeout (P2024), too many
// connections (P2037).
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2037"]);

// Driver adapter kinds behind those codes, checked too so a remapped code cannot hide them.
const ADAPTER_KINDS = new Set([
  "DatabaseNotReachable",
  "ConnectionClosed",
  "SocketTimeout",
  "TooManyConnections",
]);

// SQLSTATEs: 57P01 admin shutdown (a fast stop terminates our session), 57P02 crash shutdown,
// 57P03 cannot connect now (starting up, shutting down, in recovery), 57014 query cancelled
// (our statement_timeout: the database did not answer in time); class 08 is "connection
// exception", class 53 "insufficient resources" (53100 disk full, 53200 out of memory, 53300
// too many connections): the server's state, over once it has room again, not the request's.
const SQLSTATES = new Set(["57P01", "57P02", "57P03", "57014"]);

// Node's socket errors on the way to the server.
const SOCKET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

// pg and pg-pool raise these as plain Errors with no code (pg 8.23), and Prisma's adapter passes
// them on as they are: a pool that stayed full past connectionTimeoutMillis, a connection that
// could not be made in that time, one that dropped mid-query, a client left broken by that, a
// server that did not answer within query_timeout.
const DRIVER_MESSAGES = [
  "timeout exceeded when trying to connect",
  QUERY_READ_TIMEOUT,
  "Connection terminated due to connection timeout",
  "Connection terminated unexpectedly",
  "Connection terminated",
  "Client has encountered a connection error and is not queryable",
  "Client was closed and is not queryable",
];

// Prisma's words for a transaction that did not start within its maxWait (P2028, no meta).
const START_TIMEOUT = "Unable to start a transaction in the given time";

function codeSaysUnavailable(code: unknown): boolean {
  if (typeof code !== "string") return false;
  return (
    PRISMA_CODES.has(code) ||
    SQLSTATES.has(code) ||
    SOCKET_CODES.has(code) ||
    (code.length === 5 && (code.startsWith("08") || code.startsWith("53")))
  );
}

function saysUnavailable(err: object): boolean {
  const { code, errorCode, message, meta } = err as {
    code?: unknown;
    errorCode?: unknown;
    message?: unknown;
    meta?: { timeout?: unknown };
  };
  // errorCode: PrismaClientInitializationError's name for the same P-codes.
  if (codeSaysUnavailable(code) || codeSaysUnavailable(errorCode)) return true;
  // P2028 with a timeout: an interactive transaction outlived its time limit, each statement in
  // it quick enough (a slow database, like 57014 for one statement); or one that could not start
  // within its maxWait (no connection, or its BEGIN unanswered, in that time). Other P2028s are
  // misuse.
  if (code === "P2028" && typeof meta?.timeout === "number") return true;
  if (code === "P2028" && typeof message === "string" && message.includes(START_TIMEOUT)) {
    return true;
  }
  const adapter = adapterCause(err);
  if (typeof adapter?.kind === "string" && ADAPTER_KINDS.has(adapter.kind)) return true;
  if (codeSaysUnavailable(adapter?.originalCode)) return true;
  // Only an error without a code of its own is matched by text: pg's messages above are fixed.
  return code === undefined && typeof message === "string" && DRIVER_MESSAGES.includes(message);
}

/**
 * True when `err` (from Prisma, through the driver adapter, or from `pg` directly) says the
 * database is down, unreachable, out of connections or too slow, rather than that the query or
 * its data was wrong. Recognised by shape, not by class (a bundler may load Prisma's error
 * classes once per bundle), and along the `cause` chain.
 *
 * @example
 * try { await prisma.user.count(); }
 * catch (err) { if (isDatabaseUnavailable(err)) return retryLater(); throw err; }
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  let current: unknown = err;
  // A few links are enough (Prisma → adapter error → socket error); a cycle must not loop.
  for (let depth = 0; depth < 5; depth += 1) {
    if (typeof current !== "object" || current === null) return false;
    if (saysUnavailable(current)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
