// `pnpm db:migrate` and `pnpm db:seed` as an operator runs them: judged by output and exit code.
import { spawn } from "node:child_process";
import { chmod, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { ensureEmbeddedPostgres } from "@kit/db";
import { provisionTestDatabase, runToEnd, startSilentServer } from "@kit/db/testing";
import { describe, expect, inject, it } from "vitest";

const apiDir = path.resolve(import.meta.dirname, "../..");

/** Runs the command's bin through tsx, as `pnpm db:migrate` does. */
function dbMigrate(env: Record<string, string | undefined>) {
  const child = spawn(path.join(apiDir, "node_modules", ".bin", "tsx"), ["src/bin/migrate.ts"], {
    cwd: apiDir,
    env: { ...process.env, NODE_ENV: "production", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return runToEnd(child);
}

describe("pnpm db:migrate", () => {
  it("says a migrated database is up to date", async () => {
    const database = await provisionTestDatabase({ serverUrl: inject("databaseUrl") });
    try {
      const run = await dbMigrate({ DATABASE_URL: database.url });
      expect(run.stdout).toContain("[db] already up to date");
      expect(run.code).toBe(0);
    } finally {
      await database.dispose();
    }
  });

  it("fails in one line, without a stack or the password, on a host that never answers", async () => {
    const silent = await startSilentServer();
    try {
      const run = await dbMigrate({ DATABASE_URL: silent.url, DATABASE_TIMEOUT: "1s" });
      expect(run.code).toBe(1);
      expect(run.stderr.trim()).toMatch(
        /^\[db\] migrate failed: the database at 127\.0\.0\.1:\d+ did not answer within 1000 ms \(DATABASE_TIMEOUT\)$/,
      );
      expect(run.stderr).not.toContain("s3cret-pw");
    } finally {
      await silent.close();
    }
  });

  it("fails in one line on a setting that does not parse", async () => {
    const run = await dbMigrate({
      DATABASE_URL: "postgresql://127.0.0.1:1/x",
      DATABASE_TIMEOUT: "soon",
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^\[db\] migrate failed: Invalid environment/);
    expect(run.stderr).toContain("DATABASE_TIMEOUT");
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });
});

describe("pnpm db:seed", () => {
  function dbSeed(env: Record<string, string | undefined>) {
    const child = spawn(path.join(apiDir, "node_modules", ".bin", "tsx"), ["src/bin/seed.ts"], {
      cwd: apiDir,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    return runToEnd(child);
  }

  it("refuses DATABASE_URL, and a setting that does not parse, in one line each", async () => {
    const configured = await dbSeed({ DATABASE_URL: "postgresql://127.0.0.1:1/x" });
    expect(configured.code).toBe(1);
    expect(configured.stderr.trim()).toBe(
      "[db] DATABASE_URL is set: the demo user is only seeded on the embedded database.",
    );
    const unparsed = await dbSeed({ DATABASE_URL: undefined, DATABASE_TIMEOUT: "soon" });
    expect(unparsed.code).toBe(1);
    expect(unparsed.stderr).toMatch(/^\[db\] seed failed: Invalid environment/);
    expect(unparsed.stderr).not.toMatch(/^\s+at /m);
  });

  it("makes no database in a folder that has none, and says what does", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "kit-seed-empty-"));
    try {
      const run = await dbSeed({ DATABASE_URL: undefined, DATA_DIR: dataDir });
      expect(run.code).toBe(1);
      expect(run.stderr.trim()).toMatch(/^\[db\] seed failed: no database in .* yet \(pnpm start/);
      expect(run.stderr).not.toMatch(/prisma|^\s+at /im);
      expect(await readdir(dataDir)).not.toContain("postgres");
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it("refuses a database whose migrations are not applied, in one line naming them", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "kit-seed-unmigrated-"));
    await chmod(dataDir, 0o755); // mkdtemp's 0700 would keep the `postgres` user out (as root).
    try {
      // A cluster with no tables yet: made, as pnpm start makes it, but never migrated.
      const made = await ensureEmbeddedPostgres({ dataDir });
      await made.stop();
      const run = await dbSeed({ DATABASE_URL: undefined, DATA_DIR: dataDir });
      expect(run.code).toBe(1);
      expect(run.stderr.trim()).toMatch(
        /^\[db\] seed failed: the database at 127\.0\.0\.1:\d+ lacks \d+ migration\(s\) this code needs: \d+_\w+.*; run pnpm db:migrate as the schema owner first$/,
      );
      expect(run.stderr).not.toMatch(/prisma|^\s+at /im);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
