// migrationStatus: what a database lacks, read by the runner's rules, and nothing written.
import { readdirSync } from "node:fs";
import { appendFile, cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { createEmptyDatabase } from "../testing/fixtures/empty-database";
import { findWorkspaceRoot } from "../workspace-root";
import { migrate } from "./migrate";
import { migrationStatus } from "./migration-status";

const migrationsDir = path.join(findWorkspaceRoot(), "prisma", "migrations");
const ALL = readdirSync(migrationsDir)
  .filter((name) => /^\d{14}_/.test(name))
  .sort();
const LAST = ALL.at(-1) ?? "";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function emptyDatabase(): Promise<string> {
  const db = await createEmptyDatabase();
  cleanups.push(db.dispose);
  return db.url;
}

async function run(url: string, sql: string): Promise<pg.QueryResultRow[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe("migrationStatus", () => {
  it("lists every migration as pending on an empty database, and creates nothing there", async () => {
    const url = await emptyDatabase();
    expect(await migrationStatus(url)).toEqual({
      pending: ALL,
      failed: [],
      modified: [],
      unknown: [],
    });
    const [row] = await run(url, "SELECT to_regclass('_prisma_migrations')::text AS t");
    expect(row?.t).toBeNull();
  });

  it("finds nothing pending once migrated, and the one whose row is gone", async () => {
    const url = await emptyDatabase();
    await migrate(url);
    expect((await migrationStatus(url)).pending).toEqual([]);
    await run(url, `DELETE FROM _prisma_migrations WHERE migration_name = '${LAST}'`);
    expect((await migrationStatus(url)).pending).toEqual([LAST]);
  });

  it("tells a failed, an edited and an unknown migration apart", async () => {
    const url = await emptyDatabase();
    await migrate(url);
    const dir = await mkdtemp(path.join(tmpdir(), "kit-status-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await cp(migrationsDir, dir, { recursive: true });
    // Edited after it ran; another one applied here that this folder lacks; one left unfinished.
    await appendFile(path.join(dir, LAST, "migration.sql"), "\n-- edited\n");
    await run(
      url,
      `INSERT INTO _prisma_migrations (id, checksum, migration_name, finished_at)
       VALUES ('00000000-0000-0000-0000-000000000001', 'x', '29990101000000_newer', now()),
              ('00000000-0000-0000-0000-000000000002', 'x', '29990101000001_half', NULL)`,
    );
    await mkdir(path.join(dir, "29990101000001_half"));
    await writeFile(path.join(dir, "29990101000001_half", "migration.sql"), "SELECT 1;\n");
    expect(await migrationStatus(url, { migrationsDir: dir })).toEqual({
      pending: [],
      failed: ["29990101000001_half"],
      modified: [LAST],
      unknown: ["29990101000000_newer"],
    });
  });
});
