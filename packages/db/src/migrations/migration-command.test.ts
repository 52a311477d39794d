// `pnpm db:migration` as a developer runs it: a process, judged by its output, its exit code,
// the files it writes, and what its SQL does to a real database. Schema and migrations are
// copies in a temporary folder: the repository's prisma/ is never written.
import { spawn } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { withClient } from "../embedded/database";
import { createEmptyDatabase } from "../testing/fixtures/empty-database";
import { schemaDrift } from "../testing/fixtures/schema-drift";
import { runToEnd } from "../testing/run-to-end";
import { findWorkspaceRoot } from "../workspace-root";
import { migrate } from "./migrate";

const packageDir = path.resolve(import.meta.dirname, "../..");
const prismaDir = path.join(findWorkspaceRoot(), "prisma");

/** Runs the command's bin through tsx, as `pnpm db:migration <args>` does, typed in `cwd`. */
function dbMigration(args: string[], options: { cwd: string; databaseUrl?: string }) {
  const env: Record<string, string | undefined> = { ...process.env, INIT_CWD: options.cwd };
  delete env.DATABASE_URL;
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
  const child = spawn(
    path.join(packageDir, "node_modules", ".bin", "tsx"),
    ["src/bin/migration.ts", ...args],
    { cwd: packageDir, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  return runToEnd(child);
}

let work: string;
let schema: string;
const server = () => inject("postgresServerUrl");
/** The command on the temporary copy, its scratch databases on the test run's server. */
const onCopy = (...args: string[]) =>
  dbMigration([...args, "--schema", "schema.prisma", "--migrations", "migrations"], {
    cwd: work,
    databaseUrl: server(),
  });
const folders = () => readdir(path.join(work, "migrations"));
const scratchDatabases = async () =>
  (
    await withClient(server(), (client) =>
      client.query("SELECT datname FROM pg_database WHERE datname LIKE 'kit_scratch_%'"),
    )
  ).rows;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "kit-db-migration-"));
  await cp(path.join(prismaDir, "migrations"), path.join(work, "migrations"), { recursive: true });
  schema = await readFile(path.join(prismaDir, "schema.prisma"), "utf8");
  await writeFile(path.join(work, "schema.prisma"), schema);
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe("pnpm db:migration --check on the repository", () => {
  // The CI guard: schema.prisma edited without its migration fails here, naming the change.
  it("finds that schema.prisma and prisma/migrations agree (scratch server: embedded)", async () => {
    const run = await dbMigration(["--check"], { cwd: packageDir });
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain("schema.prisma and the migrations agree");
    expect(run.code).toBe(0);
  });
});

describe("pnpm db:migration on a copy of prisma/", () => {
  it("refuses a bad name with exit 2 and writes nothing", async () => {
    const before = await folders();
    for (const name of ["Add-Notes", "add notes"]) {
      const run = await onCopy(name);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("lower-case letters, digits and underscores");
    }
    const usage = await onCopy("--check", "add_notes");
    expect(usage.code).toBe(2);
    expect(await folders()).toEqual(before);
  });

  it("names a migration that fails to apply, exits 1, and leaves no scratch database", async () => {
    const broken = path.join(work, "migrations", "20261201180000_broken");
    await mkdir(broken);
    await writeFile(path.join(broken, "migration.sql"), 'ALTER TABLE "nope" ADD COLUMN x int;\n');
    try {
      const run = await onCopy("--check");
      expect(run.code).toBe(1);
      expect(run.stderr).toContain("20261201180000_broken");
      expect(run.stderr).toContain("nope");
    } finally {
      await rm(broken, { recursive: true });
    }
    expect(await scratchDatabases()).toEqual([]);
  });

  it("writes nothing when schema.prisma has no change, and leaves no scratch database", async () => {
    const before = await folders();
    const run = await onCopy("add_nothing");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("schema.prisma and the migrations agree; nothing written");
    expect(await folders()).toEqual(before);
    expect(await scratchDatabases()).toEqual([]);
  });

  it("with a field and a model added: --check fails naming them, the written SQL closes the gap", async () => {
    // Names of the test's own: the README's example (model Note, add_notes) may already be in
    // the schema of an app built on the kit.
    const changed = schema
      .replace(
        "  isActive ",
        '  probeNickname String?    @map("probe_nickname") @db.VarChar(40)\n  isActive ',
      )
      .replace(
        "  sessions     Session[]\n",
        "  sessions     Session[]\n  probeNotes   ProbeNote[]\n",
      )
      .concat(
        "\nmodel ProbeNote {\n  id     Int    @id @default(autoincrement())\n" +
          '  userId String @map("user_id") @db.Uuid\n' +
          "  user   User   @relation(fields: [userId], references: [id], onDelete: Cascade)\n" +
          '  body   String\n\n  @@index([userId])\n  @@map("probe_notes")\n}\n',
      );
    expect(changed).toContain("probeNickname");
    expect(changed).toContain("probeNotes   ProbeNote[]");
    await writeFile(path.join(work, "schema.prisma"), changed);

    const drift = await onCopy("--check");
    expect(drift.code).toBe(1);
    expect(drift.stderr).toContain("schema.prisma has changes no migration covers");
    expect(drift.stderr).toContain("probe_notes");
    expect(drift.stderr).toContain("Added column `probe_nickname`");
    expect(drift.stderr).toContain("pnpm db:migration <name>");

    const before = await folders();
    const run = await onCopy("add_probe_notes");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const added = (await folders()).filter((name) => !before.includes(name));
    expect(added).toEqual([expect.stringMatching(/^\d{14}_add_probe_notes$/)]);
    expect((await folders()).filter((name) => /^\d/.test(name)).at(-1)).toBe(added[0]);
    const sql = await readFile(
      path.join(work, "migrations", added[0] ?? "", "migration.sql"),
      "utf8",
    );
    expect(sql).toContain('ALTER TABLE "users" ADD COLUMN');
    expect(sql).toContain('"probe_nickname" VARCHAR(40)');
    expect(sql).toContain('CREATE TABLE "probe_notes"');
    expect(run.stdout).toContain(path.join("migrations", added[0] ?? "", "migration.sql"));
    expect(run.stdout).toContain(sql.trim());
    expect(run.stdout).toContain("pnpm --filter @kit/db generate");
    expect(run.stdout).toContain("pnpm db:migrate");

    const agreed = await onCopy("--check");
    expect(agreed.code).toBe(0);
    expect(agreed.stdout).toContain("schema.prisma and the migrations agree");

    // The project's runner applies the written migration, and the database is then what the
    // changed schema says (by the hand-written describer, independent of Prisma's engine).
    const db = await createEmptyDatabase();
    try {
      const { applied } = await migrate(db.url, { migrationsDir: path.join(work, "migrations") });
      expect(applied.at(-1)).toBe(added[0]);
      expect(await schemaDrift(changed, db.url)).toEqual([]);
    } finally {
      await db.dispose();
    }
  });
});
