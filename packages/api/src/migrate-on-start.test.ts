// DATABASE_MIGRATE and the DML-only role: a start that only checks the migrations, the README's
// grants as they are written there, and what an operator sees when the database is behind.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort, provisionTestDatabase, runToEnd } from "@kit/db/testing";
import { findWorkspaceRoot } from "@kit/db/workspace-root";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { bearer, httpMethods, uniqueEmail } from "../test/test-server";
import { runChecks } from "./cli/check";
import { loadEnv } from "./env";
import { createStandaloneServer } from "./http/standalone";
import { createLogger } from "./logger";
import { startRuntime } from "./runtime";

const apiDir = path.resolve(import.meta.dirname, "..");
const SECRET = "runtime-migrate-test-0123456789-abcdefghijklmnop";
const PASSWORD = "correct horse battery staple";
const migrationsDir = path.join(findWorkspaceRoot(), "prisma", "migrations");
// "Behind" means missing the kit's migration that creates the "Role" type and every one after
// it: an app's own later migrations (they sort after the kit's) then leave these tests unchanged.
const ROLE_MIGRATION = "20261202000000_user_role";
const MISSING = readdirSync(migrationsDir)
  .filter((name) => /^\d{14}_/.test(name) && name >= ROLE_MIGRATION)
  .sort();

async function sql(url: string, text: string): Promise<pg.QueryResultRow[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

const history = (url: string) =>
  sql(url, "SELECT migration_name, rolled_back_at FROM _prisma_migrations ORDER BY migration_name");
const roleTypeExists = async (url: string) =>
  (await sql(url, `SELECT to_regtype('"Role"')::text AS t`))[0]?.t !== null;

/**
 * Creates a role with exactly the README's "Running as a DML-only role" SQL (read from the
 * README, so the recipe and this test cannot drift apart), run by the database's owner.
 */
async function createDmlRole(ownerUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const readme = await readFile(path.join(findWorkspaceRoot(), "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("#### Running as a DML-only role"));
  const recipe = /```sql\n([\s\S]*?)```/.exec(section)?.[1];
  if (!recipe) throw new Error("README: no sql block under 'Running as a DML-only role'");
  const role = `kit_dml_${randomBytes(4).toString("hex")}`;
  const password = randomBytes(12).toString("hex");
  const [owner] = await sql(ownerUrl, "SELECT current_user AS name, current_database() AS db");
  const script = recipe
    .replaceAll("kit_app_dml", role)
    .replaceAll("kit_owner", `"${owner?.name}"`)
    .replace("'change-me'", `'${password}'`)
    .replace("DATABASE kit ", `DATABASE "${owner?.db}" `);
  await sql(ownerUrl, script);
  const url = new URL(ownerUrl);
  url.username = role;
  url.password = password;
  return {
    url: url.toString(),
    drop: () => sql(ownerUrl, `DROP OWNED BY ${role}; DROP ROLE ${role}`).then(() => {}),
  };
}

const envFor = (url: string, extra: Record<string, string> = {}) =>
  loadEnv({ NODE_ENV: "test", DATABASE_URL: url, AUTH_SECRET: SECRET, ...extra });

const failureOf = (promise: Promise<{ close(): Promise<void> }>) =>
  promise.then(
    async (runtime) => {
      await runtime.close();
      return undefined;
    },
    (error: unknown) => error as { code?: string; message: string },
  );

// A database without the kit's newest migration (and any after it), as after deploying a release
// whose migrations the schema owner has not run yet; and one that is up to date.
let behind: { url: string; dispose(): Promise<void> };
let current: { url: string; dispose(): Promise<void> };
let olderDir: string;
beforeAll(async () => {
  olderDir = await mkdtemp(path.join(tmpdir(), "kit-older-migrations-"));
  await cp(migrationsDir, olderDir, { recursive: true });
  for (const name of MISSING) await rm(path.join(olderDir, name), { recursive: true });
  behind = await provisionTestDatabase({
    serverUrl: inject("databaseUrl"),
    migrationsDir: olderDir,
  });
  current = await provisionTestDatabase({ serverUrl: inject("databaseUrl") });
});
afterAll(async () => {
  await behind?.dispose();
  await current?.dispose();
  await rm(olderDir, { recursive: true, force: true });
});

describe("DATABASE_MIGRATE=off", () => {
  it("refuses to start on a database behind, in one line, applying nothing", async () => {
    const before = await history(behind.url);
    const error = await failureOf(
      startRuntime(envFor(behind.url, { DATABASE_MIGRATE: "off" }), { log: () => {} }),
    );
    expect(error?.code).toBe("MIGRATIONS_PENDING");
    expect(error?.message).toBe(
      `DATABASE_MIGRATE=off and the database at ${new URL(behind.url).host} lacks ${MISSING.length} ` +
        `migration(s) this code needs: ${MISSING.join(", ")}; run pnpm db:migrate as the schema owner first, then start again`,
    );
    // The owner's URL: it could have migrated, and did not.
    expect(await history(behind.url)).toEqual(before);
    expect(await roleTypeExists(behind.url)).toBe(false);
  });

  it("stops pnpm serve with that line and exit code 1, no stack trace", async () => {
    const child = spawn(path.join(apiDir, "node_modules", ".bin", "tsx"), ["src/bin/serve.ts"], {
      cwd: apiDir,
      env: {
        ...process.env,
        NODE_ENV: "production",
        AUTH_SECRET: SECRET,
        DATABASE_URL: behind.url,
        DATABASE_MIGRATE: "off",
        PORT: String(await freePort()),
      },
      stdio: ["pipe", "pipe", "pipe"],
    });
    // A server that started after all is stopped rather than left running.
    const stopper = setTimeout(() => child.kill("SIGTERM"), 20_000);
    const run = await runToEnd(child).finally(() => clearTimeout(stopper));
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(
        new RegExp(
          `^\\[api\\] start-up failed: DATABASE_MIGRATE=off and .* needs: ${MISSING.join(", ")}; run pnpm db:migrate as the schema owner first`,
        ),
      ),
    ]);
    expect(run.stdout + run.stderr).not.toMatch(/^\s+at /m);
    expect(await roleTypeExists(behind.url)).toBe(false);
  });

  it("runs as a role with only the README's grants: login, a protected call, refresh, logout", async () => {
    const dml = await createDmlRole(current.url);
    try {
      // Proof that the role is what the README says: it may not change the schema.
      await expect(sql(dml.url, "CREATE TABLE kit_probe (id int)")).rejects.toMatchObject({
        code: "42501",
      });
      await expect(
        sql(
          dml.url,
          "INSERT INTO _prisma_migrations (id, checksum, migration_name) VALUES ('x', 'x', 'x')",
        ),
      ).rejects.toMatchObject({ code: "42501" });
      const before = await history(current.url);
      // Something for the first pruning run to delete, as this role.
      await sql(
        current.url,
        `INSERT INTO auth_events (type, created_at) VALUES ('login_failed', now() - interval '2 days')`,
      );
      const lines: Record<string, unknown>[] = [];
      const log: string[] = [];
      const env = envFor(dml.url, { DATABASE_MIGRATE: "off", AUTH_AUDIT_RETENTION: "1d" });
      const runtime = await startRuntime(env, {
        log: (line) => log.push(line),
        logger: createLogger({ write: (line: string) => lines.push(JSON.parse(line)) }),
        // Pruning deletes as this role too.
        prune: { firstAfterMs: 0, everyMs: 60_000 },
      });
      const server = createStandaloneServer(runtime.deps);
      try {
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const api = httpMethods(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
        const email = uniqueEmail("dml");
        expect((await api.post("auth.register", { email, password: PASSWORD })).status).toBe(200);
        const login = await api.post("auth.login", { email, password: PASSWORD });
        expect(login.status).toBe(200);
        const { access, refresh } = login.body.result.data;
        const me = await api.get("auth.me", undefined, bearer(access));
        expect(me.status).toBe(200);
        expect(me.body.result.data.email).toBe(email);
        const rotated = await api.post("auth.refresh", { refresh });
        expect(rotated.status).toBe(200);
        const next = rotated.body.result.data;
        // Logging out fires the sessions trigger (its function, pg_notify) as this role.
        expect((await api.post("auth.logout", { refresh: next.refresh })).status).toBe(200);
        const revoked = await api.get("auth.me", undefined, bearer(next.access));
        expect(revoked.status).toBe(401);
        expect(revoked.body.error.data.appCode).toBe("TOKEN_REVOKED");
        await vi.waitFor(
          () =>
            expect(lines).toContainEqual(expect.objectContaining({ msg: "pruned expired rows" })),
          { timeout: 15_000 },
        );
        expect(lines.filter((line) => Number(line.level) >= 50)).toEqual([]);
        expect(log.filter((line) => /warning|error/i.test(line))).toEqual([]);
        // The audit trail is not this role's to rewrite; deleting a user still clears the
        // user's events' link (the foreign key's action runs as the table's owner).
        await expect(sql(dml.url, "UPDATE auth_events SET type = type")).rejects.toMatchObject({
          code: "42501",
        });
        const events = async () =>
          (await sql(current.url, "SELECT count(*)::int AS n FROM auth_events"))[0]?.n;
        const before = await events();
        await sql(dml.url, `DELETE FROM users WHERE email = '${email}'`);
        // The user's events stay, with no user (SetNull), where a refused action would have thrown.
        expect(await events()).toBe(before);
      } finally {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await runtime.close();
      }
      expect(await history(current.url)).toEqual(before);
    } finally {
      await dml.drop();
    }
  });
});

describe("DATABASE_MIGRATE=on (the default) with a DML-only role", () => {
  it("pnpm auth check warns of it, and is content with the schema owner or with off", async () => {
    const dml = await createDmlRole(current.url);
    const check = async (url: string, extra: Record<string, string> = {}) => {
      const out: string[] = [];
      const io = { out: (line: string) => out.push(line), err: () => {}, stdin: process.stdin };
      const source = { NODE_ENV: "test", DATABASE_URL: url, AUTH_SECRET: SECRET, ...extra };
      const passed = await runChecks(source, io);
      return { passed, line: out.find((line) => line.includes("DATABASE_MIGRATE")) };
    };
    try {
      const role = new URL(dml.url).username;
      const on = await check(dml.url);
      // A warning, not a problem: with nothing pending such a server starts.
      expect(on.passed).toBe(true);
      expect(on.line).toBe(
        `[warning] DATABASE_MIGRATE: on, but the role "${role}" may not create in the schema: a ` +
          "server started so fails when a migration is pending; set DATABASE_MIGRATE=off for this " +
          "role and apply migrations as the schema owner (pnpm db:migrate)",
      );
      expect((await check(dml.url, { DATABASE_MIGRATE: "off" })).line).toMatch(/^\[ok\] /);
      expect((await check(current.url)).line).toMatch(/^\[ok\] DATABASE_MIGRATE: on:/);

      // Allowed to create in the schema, and still not the history's owner: a migration run as
      // it would fail on _prisma_migrations all the same.
      const [schema] = await sql(current.url, "SELECT current_schema() AS name");
      await sql(current.url, `GRANT CREATE ON SCHEMA "${schema?.name}" TO ${role}`);
      const creating = await check(dml.url);
      expect(creating.passed).toBe(true);
      expect(creating.line).toMatch(
        new RegExp(
          `^\\[warning\\] DATABASE_MIGRATE: on, but the role "${role}" does not own the migrations' history \\(_prisma_migrations\\)`,
        ),
      );
    } finally {
      await dml.drop();
    }
  });

  it("fails start-up on a database behind with MIGRATION_NOT_PERMITTED, applying nothing", async () => {
    const dml = await createDmlRole(behind.url);
    try {
      const before = await history(behind.url);
      const error = await failureOf(startRuntime(envFor(dml.url), { log: () => {} }));
      expect(error?.code).toBe("MIGRATION_NOT_PERMITTED");
      const role = new URL(dml.url).username;
      expect(error?.message).toBe(
        `Migration ${MISSING[0]} was not applied: the database role "${role}" may not change the ` +
          "schema (permission denied for table _prisma_migrations); apply migrations as the " +
          "schema owner (pnpm db:migrate), and start this role with DATABASE_MIGRATE=off",
      );
      // Not even a rolled-back attempt in the history.
      expect(await history(behind.url)).toEqual(before);
      expect(await roleTypeExists(behind.url)).toBe(false);
    } finally {
      await dml.drop();
    }
  });
});
