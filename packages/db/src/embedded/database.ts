// Server-level chores over plain `pg`: URLs, waiting for a server, creating and dropping databases.
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";

/** `serverUrl` pointing at another database on the same server. */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

/** A URL on 127.0.0.1 for `user` (default: the superuser, `postgres`). */
export function postgresUrl(options: {
  user?: string;
  password: string;
  port: number;
  database: string;
}): string {
  const user = encodeURIComponent(options.user ?? "postgres");
  const password = encodeURIComponent(options.password);
  return `postgresql://${user}:${password}@127.0.0.1:${options.port}/${encodeURIComponent(options.database)}`;
}

/** One connection to `url` for `use`, closed afterwards. */
export async function withClient<T>(
  url: string,
  use: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  client.on("error", () => {}); // Reported through the pending query's rejection instead.
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** Resolves once `url` answers a query; rejects with the last error after `timeoutMs`. */
export async function waitUntilAccepting(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await withClient(url, (client) => client.query("SELECT 1"));
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(100);
    }
  }
}

/** Creates `database` on the server behind `serverUrl` unless it exists; true if created. */
export async function createDatabaseIfMissing(
  serverUrl: string,
  database: string,
): Promise<boolean> {
  return withClient(serverUrl, async (client) => {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (found.rowCount) return false;
    try {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
      return true;
    } catch (err) {
      // 42P04 duplicate_database: another process created it between our check and now.
      if ((err as { code?: unknown }).code === "42P04") return false;
      throw err;
    }
  });
}

/** Drops `database`, disconnecting whoever is still on it (WITH (FORCE): PostgreSQL 13+). */
export async function dropDatabase(serverUrl: string, database: string): Promise<void> {
  await withClient(serverUrl, (client) =>
    client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(database)} WITH (FORCE)`),
  );
}
