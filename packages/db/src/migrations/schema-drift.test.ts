// The hand-written migrations must build exactly the database schema.prisma describes.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { schemaDrift } from "../testing/fixtures/schema-drift";
import { provisionTestDatabase } from "../testing/test-database";
import { findWorkspaceRoot } from "../workspace-root";

let db: { url: string; dispose(): Promise<void> };
let schema: string;

beforeAll(async () => {
  schema = await readFile(path.join(findWorkspaceRoot(), "prisma", "schema.prisma"), "utf8");
  db = await provisionTestDatabase({ serverUrl: inject("postgresServerUrl") });
});
afterAll(() => db?.dispose());

/**
 * schema.prisma with one edit, which must be found in the text (so the test cannot rot). A
 * pattern, not a string, where `prisma format` may change the column alignment.
 */
function edited(find: string | RegExp, replace: string): string {
  if (typeof find === "string") expect(schema).toContain(find);
  else expect(schema).toMatch(find);
  return schema.replace(find, replace);
}

describe("schema drift", () => {
  it("finds none: the migrated database is what schema.prisma says", async () => {
    expect(await schemaDrift(schema, db.url)).toEqual([]);
  });

  // The check itself is checked: each edit below is a schema change made without a migration.
  it("notices a field added to the schema without a migration", async () => {
    const changed = edited("  isActive ", "  nickname     String?   @db.VarChar(40)\n  isActive ");
    expect(await schemaDrift(changed, db.url)).toEqual([
      "users.nickname: column missing (field User.nickname)",
    ]);
  });

  it("notices a model added without a migration", async () => {
    const changed = `${schema}\nmodel AuditEvent {\n  id Int @id @default(autoincrement())\n}\n`;
    expect(await schemaDrift(changed, db.url)).toEqual([
      "AuditEvent: table missing (model AuditEvent)",
    ]);
  });

  it("notices a changed type, nullability, uniqueness and default", async () => {
    const changed = edited(
      /@unique @db\.VarChar\(254\)\n(\s*)name(\s+)String\?(\s+)@db\.VarChar\(100\)/,
      '@db.VarChar(320)\n$1name$2String $3@db.VarChar(100) @default("")',
    );
    const problems = await schemaDrift(
      changed.replace("@default(true)", "@default(false)"),
      db.url,
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        "users.email: type character varying(254), schema says character varying(320)",
        "users.name: nullable, schema says the opposite",
        "users.is_active: default true, schema says false",
        "users index users_email_key: not in the schema",
      ]),
    );
  });

  it("notices an index or a relation's delete rule that the migrations do not have", async () => {
    const changed = edited(
      "  @@index([userId])",
      "  @@index([userId])\n  @@index([expiresAt])",
    ).replace("onDelete: Cascade", "onDelete: Restrict");
    expect(await schemaDrift(changed, db.url)).toEqual([
      "sessions index sessions_expires_at_idx: missing",
      expect.stringMatching(/^sessions foreign key sessions_user_id_fkey: .*"onDelete":"Cascade"/),
    ]);
  });

  it("notices a column or table the schema no longer has", async () => {
    // The first `ip` field is Session's.
    const changed = edited(/^\s*ip\s+String\?\s+@db\.VarChar\(64\)\n/m, "");
    expect(await schemaDrift(changed, db.url)).toEqual(["sessions.ip: column not in the schema"]);
  });
});
