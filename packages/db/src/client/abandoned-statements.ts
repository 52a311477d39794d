// What a pool does with a connection handed back while its statement is still out: a statement
// the pool gave up on (pg's query_timeout) is cancelled on the server, and its connection ended.
import pg from "pg";

// What pg keeps on a client and does not declare: the backend's key for cancel requests, the
// statement it waits for, and the method that sends a cancel request on a new connection.
interface BackendKey {
  processID: number | null;
  secretKey: number | null;
  activeQuery: unknown;
}
interface Canceller {
  connection: pg.Connection & { stream: { destroy(): void } };
  cancel(client: BackendKey, query: unknown): void;
}

/**
 * From now on, a connection `pool` gets back with a statement still unanswered is ended rather
 * than handed out again, and its statement is cancelled on the server.
 *
 * Why the cancel: a server that runs but cannot answer in time is, in practice, one whose commit
 * waits for a synchronous standby (replication stalled). statement_timeout does not cover that
 * wait, and the backend does not notice its client leaving: each statement given up on kept a
 * backend waiting for the whole stall while the pool opened another, until max_connections
 * refused everyone (the superuser too when the app connects as one). A cancel ends the wait (the
 * commit stays, locally, as it already was: PostgreSQL warns and cannot undo it). Sent on a
 * connection of its own, which PostgreSQL serves outside max_connections; given `timeoutMs` to
 * be sent, then dropped: a server frozen altogether receives nothing, and nothing waits for it.
 *
 * Why the end: pg's query_timeout answers the caller but leaves the statement queued on its
 * connection, and Prisma hands a transaction's connection back without the error (a COMMIT that
 * timed out, then a ROLLBACK queued behind it), so the next caller would wait behind it.
 */
export function cancelAbandonedStatements(pool: pg.Pool, timeoutMs: number): void {
  pool.on("release", (_err, client) => {
    const backend = client as unknown as BackendKey;
    if (backend.activeQuery == null) return;
    // Ended before the pool looks: it then drops the connection instead of keeping it idle.
    client.end().catch(() => {});
    if (backend.processID != null) cancelOnServer(pool.options, backend, timeoutMs);
  });
}

function cancelOnServer(config: pg.PoolConfig, backend: BackendKey, timeoutMs: number): void {
  const canceller = new pg.Client(config) as unknown as Canceller;
  const { connection } = canceller;
  // Nothing to do about a cancel that cannot be sent: the statement's connection is gone anyway.
  connection.on("error", () => {});
  const giveUp = setTimeout(() => connection.stream.destroy(), timeoutMs);
  giveUp.unref();
  connection.on("end", () => clearTimeout(giveUp));
  canceller.cancel(backend, backend.activeQuery);
}
