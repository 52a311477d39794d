// What a pool does with a connection handed back while its statement is still out: a statement
// the pool gave up on (pg's query_timeout) is cancelled on the server, and its connection ended.
import pg from "pg";
import { isQueryReadTimeout } from "./query-read-timeout";

// What pg keeps on a client and does not declare: whether it waits for a statement's end (false
// from sending it until the server says it is ready again), and the backend's key for cancel
// requests. (Not `activeQuery`, nor `Client.cancel`, which reads it: deprecated in pg 8.23, and a
// warning on stderr.)
interface Backend {
  readyForQuery: boolean;
  processID: number | null;
  secretKey: number | null;
}
// What pg's Connection has and does not declare: a connect, the cancel request, its socket.
interface CancelConnection {
  connect(port: number | string, host?: string): void;
  cancel(processID: number, secretKey: number): void;
  on(event: "connect" | "end" | "error", listener: () => void): void;
  stream: { destroy(): void };
}

/**
 * From now on, a connection `pool` gets back with a statement still unanswered is ended rather
 * than handed out again, and its statement is cancelled on the server.
 *
 * Why the cancel: a server that runs but cannot answer in time is, in practice, one whose commit
 * waits for a synchronous standby (replication stalled). statement_timeout does not cover that
 * wait, and the backend does not notice its client leaving: each statement given up on kept a
 * backend waiting for the whole stall while the pool opened another, until max_connections
 * refused everyone (the superuser too when the app connects as one). A cancel ends the wait but
 * not the commit, which PostgreSQL cannot undo: it stays, and other sessions see it before the
 * standby has it (a failover in the stall loses it with the rest). Sent on a connection of its
 * own, which PostgreSQL serves outside max_connections; given `timeoutMs` to be sent, then
 * dropped: a server frozen altogether receives nothing, and nothing waits for it.
 *
 * Why the end: pg's query_timeout answers the caller but leaves the statement queued on its
 * connection, and Prisma hands a transaction's connection back without the error (a COMMIT that
 * timed out, then a ROLLBACK queued behind it), so the next caller would wait behind it.
 */
export function cancelAbandonedStatements(
  pool: pg.Pool,
  timeoutMs: number,
  report?: AbandonedReport,
): void {
  const tell = report ? cancelReporter(report) : () => {};
  pool.on("release", (err, client) => {
    const backend = client as unknown as Backend;
    // Handed back with the timeout: the pool ends the connection itself.
    const gaveUp = isQueryReadTimeout(err);
    // Handed back with no error and a statement still out. (Not any error with one out: pg
    // reports a statement's error before the server says it is ready again, and a cancel then is
    // a new connection to the server for nothing.)
    const leftWaiting = !err && !backend.readyForQuery;
    if (!gaveUp && !leftWaiting) return;
    // Ended before the pool looks: it then drops the connection instead of keeping it idle.
    if (leftWaiting) client.end().catch(() => {});
    const { processID, secretKey } = backend;
    if (processID != null && secretKey != null) {
      cancelOnServer(pool.options, processID, secretKey, timeoutMs);
    }
    tell();
  });
}

export interface AbandonedReport {
  /** Where the lines go (the app's log). */
  log(line: string): void;
  /** While statements keep being given up on, one line per this many ms at most. Default 10 s. */
  everyMs?: number;
}

/**
 * Says so when statements start being given up on, then how many more at most once per
 * `everyMs` while they continue: in a commit stall that is one or more a second, and a line each
 * would bury the log. An operator needs to know, since a cancelled commit is visible before the
 * standby has it (PostgreSQL logs each cancel too, as a warning on the backend).
 */
function cancelReporter(report: AbandonedReport): () => void {
  const everyMs = report.everyMs ?? 10_000;
  let more = 0;
  let summary: NodeJS.Timeout | null = null;
  const close = () => {
    if (more === 0) {
      summary = null;
      return;
    }
    const statements = more === 1 ? "statement" : "statements";
    report.log(`${more} more ${statements} cancelled in the last ${everyMs / 1000} s`);
    more = 0;
    summary = setTimeout(close, everyMs).unref();
  };
  return () => {
    if (summary) {
      more += 1;
      return;
    }
    report.log(
      "a statement the database did not answer in time was cancelled on the server and its " +
        "connection ended (a commit waiting for a synchronous standby, or a server too slow or " +
        'frozen: see the README\'s "Connections during a commit stall")',
    );
    summary = setTimeout(close, everyMs).unref();
  };
}

function cancelOnServer(
  config: pg.PoolConfig,
  processID: number,
  secretKey: number,
  timeoutMs: number,
): void {
  // A client never connected: only for where the server is (connection string, PG* variables).
  const { host, port, connection } = new pg.Client(config);
  const canceller = connection as unknown as CancelConnection;
  // Nothing to do about a cancel that cannot be sent: the statement's connection is gone anyway.
  canceller.on("error", () => {});
  const giveUp = setTimeout(() => canceller.stream.destroy(), timeoutMs);
  giveUp.unref();
  canceller.on("end", () => clearTimeout(giveUp));
  canceller.on("connect", () => canceller.cancel(processID, secretKey));
  // The server reads the request and closes the connection itself.
  if (host.startsWith("/")) canceller.connect(`${host}/.s.PGSQL.${port}`);
  else canceller.connect(port, host);
}
