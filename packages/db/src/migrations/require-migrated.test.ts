// requireMigrated: the runner's rules, read-only: pending refused, ahead warned, nothing written.
import { describe, expect, it } from "vitest";
import {
  ALL_MIGRATIONS as ALL,
  runSql,
  scratchPerTest,
} from "../testing/fixtures/migration-fixtures";
import { startSilentServer } from "../testing/silent-server";
import { migrate } from "./migrate";
import { requireMigrated } from "./require-migrated";

const LAST = ALL.at(-1) ?? "";

const { emptyDatabase } = scratchPerTest();

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as { code?: string; migration?: string; message: string },
  );

describe("requireMigrated", () => {
  it("refuses a database never migrated, naming every migration, and creates no table", async () => {
    const url = await emptyDatabase();
    const error = await failureOf(requireMigrated(url));
    expect(error?.code).toBe("MIGRATIONS_PENDING");
    expect(error?.message).toContain(`lacks ${ALL.length} migration(s) this code needs: `);
    expect(error?.message).toContain(ALL.join(", "));
    expect(error?.message).toMatch(/; run pnpm db:migrate as the schema owner first$/);
    const [row] = await runSql(url, "SELECT to_regclass('_prisma_migrations')::text AS t");
    expect(row?.t).toBeNull();
  });

  it("passes a migrated database; refuses it one behind, naming only that migration", async () => {
    const url = await emptyDatabase();
    await migrate(url);
    expect((await requireMigrated(url)).pending).toEqual([]);
    await runSql(url, `DELETE FROM _prisma_migrations WHERE migration_name = '${LAST}'`);
    const error = await failureOf(requireMigrated(url));
    expect(error?.code).toBe("MIGRATIONS_PENDING");
    expect(error?.migration).toBe(LAST);
    expect(error?.message).toContain(`lacks 1 migration(s) this code needs: ${LAST};`);
  });

  it("starts on a database ahead of the code with the runner's warning, as migrate does", async () => {
    const url = await emptyDatabase();
    await migrate(url);
    await runSql(
      url,
      `INSERT INTO _prisma_migrations (id, checksum, migration_name, finished_at)
       VALUES ('ahead', 'x', '29990101000000_from_a_newer_release', now())`,
    );
    const lines: string[] = [];
    const status = await requireMigrated(url, { log: (line) => lines.push(line) });
    expect(status.unknown).toEqual(["29990101000000_from_a_newer_release"]);
    const migrated: string[] = [];
    await migrate(url, { log: (line) => migrated.push(line) });
    expect(lines).toEqual(migrated);
    expect(lines).toEqual([
      "warning: applied migrations not in the migrations folder: 29990101000000_from_a_newer_release",
    ]);
  });

  it("refuses a failed migration as the runner does", async () => {
    const url = await emptyDatabase();
    await migrate(url);
    await runSql(
      url,
      `UPDATE _prisma_migrations SET finished_at = NULL WHERE migration_name = '${LAST}'`,
    );
    const error = await failureOf(requireMigrated(url));
    expect(error?.code).toBe("MIGRATION_FAILED");
    expect((await failureOf(migrate(url)))?.code).toBe("MIGRATION_FAILED");
  });

  it("fails within its timeout on a server that never answers", async () => {
    const silent = await startSilentServer();
    try {
      const error = await failureOf(requireMigrated(silent.url, { timeoutMs: 500 }));
      expect(error?.code).toBe("DATABASE_UNREACHABLE");
    } finally {
      await silent.close();
    }
  });
});
