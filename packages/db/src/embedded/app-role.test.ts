// The app's role on the embedded server: what it owns, what it may not do, and the move onto it.
import { chmod, cp, mkdir, mkdtemp, readFile, rm, stat, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaClient } from "../client/client";
import { migrate } from "../migrations/migrate";
import { findWorkspaceRoot } from "../workspace-root";
import { databaseUrl } from "./database";
import { type EmbeddedPostgresHandle, ensureEmbeddedPostgres } from "./embedded-postgres";
import { stopPostmaster } from "./postmaster";

const migrationsDir = path.join(findWorkspaceRoot(), "prisma", "migrations");
const roots: string[] = [];

afterAll(async () => {
  for (const root of roots) {
    const clusterDir = path.join(root, ".data", "postgres");
    await stopPostmaster(clusterDir);
    await rm(root, { recursive: true, force: true });
  }
});

async function newDataDir(): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), "kit-app-role-"));
  roots.push(root);
  await chmod(root, 0o755); // mkdtemp's 0700 would keep the `postgres` user out.
  return path.join(root, ".data");
}

async function query<R extends pg.QueryResultRow>(url: string, sql: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** The SQLSTATE a statement fails with, or null if it succeeds. */
async function failureCode(url: string, sql: string): Promise<string | null> {
  return query(url, sql).then(
    () => null,
    (err: { code?: string }) => err.code ?? "no code",
  );
}

/** The superuser's URL for the same server and database, from the password file beside it. */
async function superuserUrl(dataDir: string, appUrl: string): Promise<string> {
  const url = new URL(appUrl);
  url.username = "postgres";
  url.password = (await readFile(path.join(dataDir, "postgres.password"), "utf8")).trim();
  return url.toString();
}

// What in `public` is not the app role's (indexes, sequences, types and routines included).
const NOT_OWNED = `
  SELECT relname AS name FROM pg_class
   WHERE relnamespace = 'public'::regnamespace AND pg_get_userbyid(relowner) <> 'kit_app'
  UNION ALL
  SELECT typname FROM pg_type
   WHERE typnamespace = 'public'::regnamespace AND pg_get_userbyid(typowner) <> 'kit_app'
  UNION ALL
  SELECT proname FROM pg_proc
   WHERE pronamespace = 'public'::regnamespace AND pg_get_userbyid(proowner) <> 'kit_app'`;

describe("the app's role (kit_app)", () => {
  let dataDir: string;
  let db: EmbeddedPostgresHandle;

  beforeAll(async () => {
    dataDir = await newDataDir();
    db = await ensureEmbeddedPostgres({ dataDir });
  });
  afterAll(async () => {
    await db?.stop();
  });

  it("is who the URL connects as: owner of the database and its schema, not a superuser", async () => {
    expect(new URL(db.url).username).toBe("kit_app");
    const [role] = await query(
      db.url,
      `SELECT current_user AS name, rolsuper, rolcreatedb, rolcreaterole, rolreplication,
              rolbypassrls,
              (SELECT pg_get_userbyid(datdba) FROM pg_database
                WHERE datname = current_database()) AS database_owner,
              (SELECT pg_get_userbyid(nspowner) FROM pg_namespace
                WHERE nspname = 'public') AS schema_owner
         FROM pg_roles WHERE rolname = current_user`,
    );
    expect(role).toEqual({
      name: "kit_app",
      rolsuper: false,
      rolcreatedb: false,
      rolcreaterole: false,
      rolreplication: false,
      rolbypassrls: false,
      database_owner: "kit_app",
      schema_owner: "kit_app",
    });
    // Its password is kept like the superuser's: beside the cluster, owner-only.
    const file = path.join(dataDir, "postgres-app.password");
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readFile(file, "utf8")).trim()).toBe(
      decodeURIComponent(new URL(db.url).password),
    );
  });

  it("cannot create roles or databases, change server settings, or run programs", async () => {
    const denied = "42501"; // insufficient_privilege
    expect(await failureCode(db.url, "CREATE ROLE intruder LOGIN SUPERUSER")).toBe(denied);
    expect(await failureCode(db.url, "CREATE DATABASE other")).toBe(denied);
    expect(await failureCode(db.url, "ALTER SYSTEM SET fsync = off")).toBe(denied);
    expect(await failureCode(db.url, "ALTER ROLE kit_app SUPERUSER")).toBe(denied);
    expect(await failureCode(db.url, "COPY (SELECT 1) TO PROGRAM 'true'")).toBe(denied);
    expect(await failureCode(db.url, "SELECT rolpassword FROM pg_authid")).toBe(denied);
  });

  it("runs the migrations and the app's queries", async () => {
    const { applied } = await migrate(db.url);
    expect(applied.length).toBeGreaterThan(0);
    expect(await query(db.url, NOT_OWNED)).toEqual([]);
    const prisma = createPrismaClient(db.url);
    try {
      const user = await prisma.user.create({
        data: { email: "role@example.com", passwordHash: "hash" },
      });
      expect(await prisma.user.findUnique({ where: { id: user.id } })).toMatchObject({
        email: "role@example.com",
      });
    } finally {
      await prisma.$disconnect();
    }
  });
});

describe("a data folder from before the app's role", () => {
  it("is handed over to the role at its next start, which can then migrate it further", async () => {
    const dataDir = await newDataDir();
    const first = await ensureEmbeddedPostgres({ dataDir });
    const admin = await superuserUrl(dataDir, first.url);
    // Put the folder back the way the kit left it before: the database, its schema and all in
    // it the superuser's (the migrations ran as `postgres`), no kit_app, no password file.
    await query(admin, "ALTER DATABASE kit OWNER TO postgres");
    await query(admin, "ALTER SCHEMA public OWNER TO pg_database_owner");
    await migrate(admin);
    await query(
      admin,
      `CREATE TYPE mood AS ENUM ('ok');
       CREATE DOMAIN positive AS integer CHECK (VALUE > 0);
       CREATE SEQUENCE counter;
       CREATE VIEW active_users AS SELECT id FROM users WHERE is_active;
       CREATE FUNCTION one() RETURNS integer LANGUAGE sql AS 'SELECT 1'`,
    );
    await query(databaseUrl(admin, "postgres"), "DROP ROLE kit_app");
    await unlink(path.join(dataDir, "postgres-app.password"));
    expect((await query(admin, NOT_OWNED)).length).toBeGreaterThan(10);
    await first.stop();

    const again = await ensureEmbeddedPostgres({ dataDir });
    try {
      expect(new URL(again.url).username).toBe("kit_app");
      expect(await query(again.url, NOT_OWNED)).toEqual([]);

      // A later migration alters what the superuser created.
      const dir = await mkdtemp(path.join(tmpdir(), "kit-migrations-"));
      roots.push(dir);
      await cp(migrationsDir, dir, { recursive: true });
      const name = "29991231000000_after_the_role";
      await mkdir(path.join(dir, name));
      await writeFile(
        path.join(dir, name, "migration.sql"),
        `ALTER TABLE "users" ADD COLUMN "nickname" TEXT;
         ALTER TYPE mood ADD VALUE 'fine';
         SELECT nextval('counter'), one();`,
      );
      expect(await migrate(again.url, { migrationsDir: dir })).toEqual({ applied: [name] });
      // And the app's own queries reach all of it.
      const rows = await query(
        again.url,
        `SELECT (SELECT count(*) FROM active_users)::int AS active,
                (SELECT count(*) FROM users WHERE nickname IS NULL)::int AS unnamed`,
      );
      expect(rows).toEqual([{ active: 0, unnamed: 0 }]);
    } finally {
      await again.stop();
    }
  });
});
