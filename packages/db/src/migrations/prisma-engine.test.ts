// Prisma's own schema engine agrees with us: same SQL for schema.prisma, same migration history.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { describeDatabase } from "../testing/fixtures/describe-database";
import { runSql, scratchPerTest } from "../testing/fixtures/migration-fixtures";
import { findWorkspaceRoot } from "../workspace-root";
import { migrate } from "./migrate";
import { migrationsList, noFilters, openSchemaEngine } from "./schema-engine";

const root = findWorkspaceRoot();
const migrationsDir = path.join(root, "prisma", "migrations");
const schema = await readFile(path.join(root, "prisma", "schema.prisma"), "utf8");

const { defer, emptyDatabase } = scratchPerTest();

async function engineOn(url: string) {
  const handle = await openSchemaEngine({ url, schema });
  defer(handle.close);
  return handle;
}

describe("Prisma's schema engine", () => {
  it("builds from schema.prisma exactly the database our migrations build", async () => {
    const ours = await emptyDatabase();
    const prismas = await emptyDatabase();
    await migrate(ours);
    const { engine } = await engineOn(prismas);
    // What `prisma migrate diff --from-empty --to-schema schema.prisma --script` prints.
    const { stdout } = await engine.diff({
      from: { tag: "empty" },
      to: { tag: "schemaDatamodel", files: [{ path: "schema.prisma", content: schema }] },
      script: true,
      exitCode: null,
      ...noFilters,
    });
    await runSql(prismas, stdout ?? "");

    const [a, b] = await Promise.all([describeDatabase(ours), describeDatabase(prismas)]);
    a.columns.delete("_prisma_migrations");
    a.indexes.delete("_prisma_migrations");
    expect(a).toEqual(b);
  });

  it("reads our history as `prisma migrate status` would: nothing edited, failed or diverging", async () => {
    const url = await emptyDatabase();
    await migrate(url);
    const { engine } = await engineOn(url);
    const list = await migrationsList(migrationsDir);
    const diagnose = () =>
      engine.diagnoseMigrationHistory({
        migrationsList: list,
        optInToShadowDatabase: false,
        ...noFilters,
      });
    expect(await diagnose()).toMatchObject({
      editedMigrationNames: [],
      failedMigrationNames: [],
      hasMigrationsTable: true,
      history: null,
    });

    // And it sees an edit where we do: the checksums are computed alike.
    const first = list.migrationDirectories[0];
    if (!first) throw new Error("no migrations");
    first.migrationFile.content.value += "\n-- edited\n";
    expect((await diagnose()).editedMigrationNames).toEqual([first.path]);
  });

  it("finds nothing to deploy after our runner, and we find nothing after `migrate deploy`", async () => {
    const list = await migrationsList(migrationsDir);
    const ours = await emptyDatabase();
    await migrate(ours);
    const afterUs = await engineOn(ours);
    expect(await afterUs.engine.applyMigrations({ migrationsList: list, ...noFilters })).toEqual({
      appliedMigrationNames: [],
    });

    const prismas = await emptyDatabase();
    const deploy = await engineOn(prismas);
    const deployed = await deploy.engine.applyMigrations({ migrationsList: list, ...noFilters });
    expect(deployed.appliedMigrationNames).toEqual(list.migrationDirectories.map((d) => d.path));
    await deploy.close(); // Releases the migrations lock `migrate deploy` took.
    expect(await migrate(prismas)).toEqual({ applied: [] });

    const checksums = (url: string) =>
      runSql(
        url,
        "SELECT migration_name, checksum FROM _prisma_migrations ORDER BY migration_name",
      );
    expect(await checksums(prismas)).toEqual(await checksums(ours));
  });
});
