// The migrations runner against a real PostgreSQL: bookkeeping, idempotence, races, refusals.
import { createHash } from "node:crypto";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { MigrationError } from "../errors";
import {
  ALL_MIGRATIONS as ALL,
  MIGRATIONS_DIR as migrationsDir,
  runSql,
  scratchPerTest,
} from "../testing/fixtures/migration-fixtures";
import { startFreezableProxy } from "../testing/freezable-proxy";
import { startSilentServer } from "../testing/silent-server";
import { migrate } from "./migrate";

const INIT = "20261125000000_init";

const { defer, emptyDatabase } = scratchPerTest();

/** A copy of the real migrations folder that a test may edit. */
async function migrationsCopy(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "kit-migrations-"));
  defer(() => rm(dir, { recursive: true, force: true }));
  await cp(migrationsDir, dir, { recursive: true });
  return dir;
}

async function caught(promise: Promise<unknown>): Promise<MigrationError> {
  const error = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(MigrationError);
  return error as MigrationError;
}

describe("migrate", () => {
  it("applies the migrations to a fresh database and records them as Prisma does", async () => {
    const url = await emptyDatabase();
    const lines: string[] = [];
    expect(ALL[0]).toBe(INIT);
    expect(await migrate(url, { log: (line) => lines.push(line) })).toEqual({ applied: ALL });
    expect(lines).toEqual(
      ALL.map((name) => expect.stringMatching(new RegExp(`^applied migration ${name}`))),
    );

    const rows = await runSql(url, "SELECT * FROM _prisma_migrations ORDER BY migration_name");
    const expected = [];
    for (const name of ALL) {
      const file = await readFile(path.join(migrationsDir, name, "migration.sql"));
      expected.push({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        checksum: createHash("sha256").update(file).digest("hex"),
        finished_at: expect.any(Date),
        migration_name: name,
        logs: null,
        rolled_back_at: null,
        started_at: expect.any(Date),
        applied_steps_count: 1,
      });
    }
    expect(rows).toEqual(expected);
    const tables = await runSql(
      url,
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    );
    expect(tables.map((row) => row.tablename)).toEqual(
      expect.arrayContaining(["_prisma_migrations", "sessions", "users"]),
    );
  });

  it("creates _prisma_migrations exactly as Prisma's engine does", async () => {
    const url = await emptyDatabase();
    await migrate(url);
    const columns = await runSql(
      url,
      `SELECT column_name, data_type, character_maximum_length AS length, is_nullable,
              column_default
         FROM information_schema.columns
        WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(columns).toEqual(
      [
        ["id", "character varying", 36, "NO", null],
        ["checksum", "character varying", 64, "NO", null],
        ["finished_at", "timestamp with time zone", null, "YES", null],
        ["migration_name", "character varying", 255, "NO", null],
        ["logs", "text", null, "YES", null],
        ["rolled_back_at", "timestamp with time zone", null, "YES", null],
        ["started_at", "timestamp with time zone", null, "NO", "now()"],
        ["applied_steps_count", "integer", null, "NO", "0"],
      ].map(([column_name, data_type, length, is_nullable, column_default]) => ({
        column_name,
        data_type,
        length,
        is_nullable,
        column_default,
      })),
    );
    const [pk] = await runSql(
      url,
      `SELECT pg_get_constraintdef(oid) AS definition FROM pg_constraint
        WHERE conrelid = '_prisma_migrations'::regclass AND contype = 'p'`,
    );
    expect(pk?.definition).toBe("PRIMARY KEY (id)");
  });

  it("applies nothing the second time", async () => {
    const url = await emptyDatabase();
    await migrate(url);
    expect(await migrate(url)).toEqual({ applied: [] });
    expect(await runSql(url, "SELECT 1 FROM _prisma_migrations")).toHaveLength(ALL.length);
  });

  it("lets two instances migrate at once: both succeed, the migration runs once", async () => {
    const url = await emptyDatabase();
    const results = await Promise.all([migrate(url), migrate(url)]);
    expect(results.map((result) => result.applied).sort()).toEqual([[], ALL]);
    expect(
      await runSql(url, "SELECT migration_name FROM _prisma_migrations ORDER BY migration_name"),
    ).toEqual(ALL.map((migration_name) => ({ migration_name })));
  });

  it("refuses an applied migration whose file was edited: MIGRATION_MODIFIED", async () => {
    const url = await emptyDatabase();
    const dir = await migrationsCopy();
    await migrate(url, { migrationsDir: dir });
    const file = path.join(dir, INIT, "migration.sql");
    await writeFile(file, `${await readFile(file, "utf8")}\n-- an afterthought\n`);

    const error = await caught(migrate(url, { migrationsDir: dir }));
    expect(error.code).toBe("MIGRATION_MODIFIED");
    expect(error.migration).toBe(INIT);
    expect(error.message).toContain(INIT);
  });

  it("does not count a checkout's CRLF line endings as an edit", async () => {
    const url = await emptyDatabase();
    const dir = await migrationsCopy();
    await migrate(url, { migrationsDir: dir });
    const file = path.join(dir, INIT, "migration.sql");
    await writeFile(file, (await readFile(file, "utf8")).replaceAll("\n", "\r\n"));
    expect(await migrate(url, { migrationsDir: dir })).toEqual({ applied: [] });
  });

  it("refuses to go past a migration that failed earlier: MIGRATION_FAILED", async () => {
    const url = await emptyDatabase();
    const dir = await migrationsCopy();
    await migrate(url, { migrationsDir: dir });
    // What `prisma migrate deploy` leaves after a failed script: started, never finished.
    await runSql(
      url,
      `INSERT INTO _prisma_migrations (id, checksum, migration_name, logs)
       VALUES (gen_random_uuid()::text, $1, '29990101000000_broken', 'syntax error')`,
      ["0".repeat(64)],
    );
    await mkdir(path.join(dir, "29990102000000_next"));
    await writeFile(path.join(dir, "29990102000000_next", "migration.sql"), "SELECT 1;\n");

    const error = await caught(migrate(url, { migrationsDir: dir }));
    expect(error.code).toBe("MIGRATION_FAILED");
    expect(error.migration).toBe("29990101000000_broken");
    expect(
      await runSql(url, "SELECT 1 FROM _prisma_migrations WHERE migration_name = $1", [
        "29990102000000_next",
      ]),
    ).toEqual([]);

    // Resolved the way Prisma's CLI does it, the history moves on.
    await runSql(
      url,
      "UPDATE _prisma_migrations SET rolled_back_at = now() WHERE finished_at IS NULL",
    );
    expect(await migrate(url, { migrationsDir: dir })).toEqual({
      applied: ["29990102000000_next"],
    });
  });

  it("rolls a failing migration back whole, records the attempt, and retries it once fixed", async () => {
    const url = await emptyDatabase();
    const dir = await migrationsCopy();
    const name = "29990101000000_add_nickname";
    await mkdir(path.join(dir, name));
    const file = path.join(dir, name, "migration.sql");
    await writeFile(file, 'ALTER TABLE "users" ADD COLUMN "nickname" TEXT;\nSELECT 1/0;\n');

    const error = await caught(migrate(url, { migrationsDir: dir }));
    expect(error.code).toBe("MIGRATION_FAILED");
    expect(error.migration).toBe(name);
    // The migration before it stays applied; none of the failing one's statements remain.
    const columns = await runSql(
      url,
      "SELECT 1 FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'nickname'",
    );
    expect(columns).toEqual([]);
    const attempts = await runSql(
      url,
      "SELECT finished_at, rolled_back_at, logs FROM _prisma_migrations WHERE migration_name = $1",
      [name],
    );
    expect(attempts).toEqual([
      {
        finished_at: null,
        rolled_back_at: expect.any(Date),
        logs: expect.stringContaining("division by zero"),
      },
    ]);

    await writeFile(file, 'ALTER TABLE "users" ADD COLUMN "nickname" TEXT;\n');
    expect(await migrate(url, { migrationsDir: dir })).toEqual({ applied: [name] });
  });

  it("warns about, but tolerates, applied migrations missing from the folder", async () => {
    const url = await emptyDatabase();
    const dir = await migrationsCopy();
    await migrate(url, { migrationsDir: dir });
    await rm(path.join(dir, INIT), { recursive: true });
    const lines: string[] = [];
    expect(await migrate(url, { migrationsDir: dir, log: (line) => lines.push(line) })).toEqual({
      applied: [],
    });
    expect(lines).toEqual([expect.stringContaining(`not in the migrations folder: ${INIT}`)]);
  });

  it("waits on Prisma's advisory lock and gives up with MIGRATION_LOCK_TIMEOUT", async () => {
    const url = await emptyDatabase();
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      // What `prisma migrate deploy` holds while it works.
      await holder.query("SELECT pg_advisory_lock(72707369)");
      const error = await caught(migrate(url, { lockTimeoutMs: 300 }));
      expect(error.code).toBe("MIGRATION_LOCK_TIMEOUT");
    } finally {
      await holder.end();
    }
    expect(await migrate(url)).toEqual({ applied: ALL });
  });

  it("refuses a migrations folder written for another database", async () => {
    const url = await emptyDatabase();
    const dir = await migrationsCopy();
    await writeFile(path.join(dir, "migration_lock.toml"), 'provider = "sqlite"\n');
    const error = await caught(migrate(url, { migrationsDir: dir }));
    expect(error.code).toBe("MIGRATION_PROVIDER_MISMATCH");
  });

  it("says so when the folder is missing", async () => {
    const error = await caught(
      migrate("postgresql://127.0.0.1:1/none", {
        migrationsDir: path.join(tmpdir(), "no-such-dir"),
      }),
    );
    expect(error.code).toBe("MIGRATIONS_NOT_FOUND");
  });

  it("gives up on a server that accepts but never answers (start-up hung forever before)", async () => {
    const silent = await startSilentServer();
    defer(silent.close);
    const started = performance.now();
    const error = await caught(migrate(silent.url, { timeoutMs: 500 }));
    expect(error.code).toBe("DATABASE_UNREACHABLE");
    expect(error.message).toMatch(/127\.0\.0\.1:\d+ did not answer within 500 ms/);
    expect(error.message).not.toContain("s3cret-pw");
    // Generous: only proves it did not hang.
    expect(performance.now() - started).toBeLessThan(15_000);
  });

  it("says what a server that refused the connection said, even when it names a timeout", async () => {
    const url = new URL(await emptyDatabase());
    url.searchParams.set("options", "-c statement_timeout=xyz");
    const error = await caught(migrate(url.toString(), { timeoutMs: 5000 }));
    expect(error.code).toBe("DATABASE_UNREACHABLE");
    expect(error.message).toMatch(/^cannot connect to the database at .*statement_timeout/);
    expect(error.message).not.toContain("did not answer");
  });

  it("finishes when the server freezes after the last migration, before the lock is released", async () => {
    const proxy = await startFreezableProxy(await emptyDatabase());
    defer(proxy.close);
    const last = ALL.at(-1) as string;
    // The last migration has committed; the server freezes before the lock is released.
    const log = (line: string) => line.includes(last) && proxy.freeze();
    const result = await migrate(proxy.url, { timeoutMs: 500, log });
    expect(result.applied).toEqual(ALL);
  }, 20_000);
});
