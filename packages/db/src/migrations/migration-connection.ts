// The migrations runner's one connection, bounded in time: start-up must fail, not hang, when
// the database accepts TCP but never answers (a frozen or firewalled host).
import pg from "pg";
import { isQueryReadTimeout } from "../client/query-read-timeout";
import { DEFAULT_DATABASE_TIMEOUT_MS } from "../database-timeout";
import { MigrationError } from "../errors";

/** What the error names: host and port only, never the credentials in the URL. */
export function describeServer(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.host ? `the database at ${parsed.host}` : "the database";
  } catch {
    return "the database";
  }
}

/**
 * Connects within `timeoutMs` (pg's connectionTimeoutMillis covers TCP and the start-up
 * handshake), or throws MigrationError DATABASE_UNREACHABLE naming host and cause.
 */
export async function connectBounded(
  url: string,
  timeoutMs = DEFAULT_DATABASE_TIMEOUT_MS,
): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  // A dropped connection also rejects the pending query, which is where we report it; unheard,
  // the 'error' event would crash the process instead.
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (cause) {
    const reason = (cause as Error).message;
    // pg's own words for the time running out; a refusal the server sent (it has a SQLSTATE)
    // answered at once, whatever it says ("invalid value for parameter statement_timeout").
    const sqlstate = (cause as { code?: unknown }).code;
    const answered = typeof sqlstate === "string" && /^[0-9A-Z]{5}$/.test(sqlstate);
    const timedOut = !answered && /timeout/i.test(reason);
    throw new MigrationError(
      "DATABASE_UNREACHABLE",
      timedOut
        ? `${describeServer(url)} did not answer within ${timeoutMs} ms (DATABASE_TIMEOUT)`
        : `cannot connect to ${describeServer(url)}: ${reason}`,
      { cause },
    );
  }
  return client;
}

/**
 * A query that gives up after `timeoutMs` (pg's query_timeout: the server may have frozen with
 * the connection open, where its own statement_timeout cannot act).
 */
export async function queryBounded<R extends pg.QueryResultRow>(
  client: pg.Client,
  url: string,
  timeoutMs: number,
  text: string,
  values?: unknown[],
): Promise<pg.QueryResult<R>> {
  try {
    return await client.query<R>({ text, values, query_timeout: timeoutMs } as pg.QueryConfig);
  } catch (cause) {
    if (!isQueryReadTimeout(cause)) throw cause;
    throw new MigrationError(
      "DATABASE_UNREACHABLE",
      `${describeServer(url)} stopped answering (no reply within ${timeoutMs} ms, DATABASE_TIMEOUT)`,
      { cause },
    );
  }
}

/**
 * Whether `error` says the server stopped answering on the connection (MigrationError
 * DATABASE_UNREACHABLE from queryBounded): then `closeConnection(client, true)`, since ending the
 * session politely would wait on it.
 */
export function stalledBy(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === "DATABASE_UNREACHABLE";
}

/**
 * Closes the connection. end() waits for the server to close its side, which a frozen server
 * never does: a stalled one's socket is destroyed instead.
 */
export async function closeConnection(client: pg.Client, stalled: boolean): Promise<void> {
  if (stalled) {
    client.connection.stream.destroy();
    return;
  }
  await client.end().catch(() => {});
}
