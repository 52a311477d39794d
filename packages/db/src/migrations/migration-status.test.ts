// migrationStatus: what a database lacks, read by the runner's rules, and nothing written.
import { appendFile, cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  ALL_MIGRATIONS as ALL,
  MIGRATIONS_DIR as migrationsDir,
  runSql,
  scratchPerTest,
} from "../testing/fixtures/migration-fixtures";
import { migrate } from "./migrate";
import { migrationStatus } from "./migration-status";

const LAST = ALL.at(-1) ?? "";

const { defer, emptyDatabase } = scratchPerTest();

describe("migrationStatus", () => {
  it("lists every migration as pending on an empty database, and creates nothing there", async () => {
    const url = await emptyDatabase();
    expect(await migrationStatus(url)).toEqual({
      pending: ALL,
      failed: [],
      modified: [],
      unknown: [],
    });
    const [row] = await runSql(url, "SELECT to_regclass('_prisma_migrations')::text AS t");
    expect(row?.t).toBeNull();
  });

  it("finds nothing pending once migrated, and the one whose row is gone", async () => {
    const url = await emptyDatabase();
    await migrate(url);
    expect((await migrationStatus(url)).pending).toEqual([]);
    await runSql(url, `DELETE FROM _prisma_migrations WHERE migration_name = '${LAST}'`);
    expect((await migrationStatus(url)).pending).toEqual([LAST]);
  });

  it("tells a failed, an edited and an unknown migration apart", async () => {
    const url = await emptyDatabase();
    await migrate(url);
    const dir = await mkdtemp(path.join(tmpdir(), "kit-status-"));
    defer(() => rm(dir, { recursive: true, force: true }));
    await cp(migrationsDir, dir, { recursive: true });
    // Edited after it ran; another one applied here that this folder lacks; one left unfinished.
    await appendFile(path.join(dir, LAST, "migration.sql"), "\n-- edited\n");
    await runSql(
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
