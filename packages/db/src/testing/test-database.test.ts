// provisionTestDatabase on the run's server, and on a throwaway server of its own.
import pg from "pg";
import { describe, expect, inject, it } from "vitest";
import { isPortOpen, portOf } from "./fixtures/run-fixture";
import { provisionTestDatabase } from "./test-database";

async function tablesOf(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    );
    return result.rows.map((row) => row.tablename);
  } finally {
    await client.end();
  }
}

const MIGRATED_TABLES = ["_prisma_migrations", "sessions", "users"];

describe("provisionTestDatabase", () => {
  it("makes a fresh migrated database on an existing server and drops it at dispose", async () => {
    const serverUrl = inject("postgresServerUrl");
    const [a, b] = await Promise.all([
      provisionTestDatabase({ serverUrl }),
      provisionTestDatabase({ serverUrl }),
    ]);
    expect(a.url).not.toBe(b.url);
    expect(await tablesOf(a.url)).toEqual(expect.arrayContaining(MIGRATED_TABLES));
    const name = new URL(a.url).pathname.slice(1);
    await Promise.all([a.dispose(), b.dispose()]);

    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    await client.end();
    expect(found.rowCount).toBe(0);
  });

  it("without a server, starts a throwaway one and stops it at dispose", async () => {
    const db = await provisionTestDatabase();
    expect(await tablesOf(db.url)).toEqual(expect.arrayContaining(MIGRATED_TABLES));
    await db.dispose();
    expect(await isPortOpen(portOf(db.url))).toBe(false);
  });
});
