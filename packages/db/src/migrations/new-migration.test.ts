// A new migration's folder name: the naming rule, and a timestamp that always sorts last.
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SchemaDiffError } from "../errors";
import { checkMigrationName, migrationFolderName, writeMigration } from "./new-migration";

const at = (iso: string) => new Date(iso);
const existing = ["20261125000000_init", "20261201170000_session_change_notify"];

describe("migration names", () => {
  it("accepts lower-case letters, digits and underscores", () => {
    for (const name of ["add_notes", "v2", "notes_2026_index"]) {
      expect(() => checkMigrationName(name)).not.toThrow();
    }
  });

  it("refuses anything else with MIGRATION_NAME_INVALID", () => {
    for (const name of [
      "",
      "Add_notes",
      "add-notes",
      "add notes",
      "../evil",
      "é",
      "a".repeat(201),
    ]) {
      const error = (() => {
        try {
          checkMigrationName(name);
        } catch (thrown) {
          return thrown;
        }
      })();
      expect(error, name).toBeInstanceOf(SchemaDiffError);
      expect((error as SchemaDiffError).code).toBe("MIGRATION_NAME_INVALID");
    }
  });
});

describe("migrationFolderName", () => {
  it("is the UTC time to the second, then the name", () => {
    expect(migrationFolderName("add_notes", existing, at("2026-12-02T08:09:10.999Z"))).toBe(
      "20261202080910_add_notes",
    );
  });

  it("sorts after the newest migration when the clock is behind it", () => {
    const name = migrationFolderName("add_notes", existing, at("2026-01-01T00:00:00Z"));
    expect(name).toBe("20261201170001_add_notes");
    expect([...existing, name].sort().at(-1)).toBe(name);
  });

  it("moves on a second when the newest has the same timestamp, across a day's end too", () => {
    const newest = ["20261231235959_last_of_the_year"];
    expect(migrationFolderName("next", newest, at("2026-12-31T23:59:59Z"))).toBe(
      "20270101000000_next",
    );
  });

  it("ignores entries that are not timestamped folders", () => {
    expect(
      migrationFolderName("x", ["migration_lock.toml", "README.md"], at("2026-12-02T00:00:00Z")),
    ).toBe("20261202000000_x");
  });
});

describe("writeMigration", () => {
  it("writes <folder>/migration.sql and never overwrites an existing folder", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "kit-new-migration-"));
    try {
      const now = at("2026-12-02T08:09:10Z");
      const file = await writeMigration(dir, "add_notes", "SELECT 1;\n", now);
      expect(path.relative(dir, file)).toBe(path.join("20261202080910_add_notes", "migration.sql"));
      expect(await readFile(file, "utf8")).toBe("SELECT 1;\n");
      // Same clock, same name: the second lands a second later instead of on the first.
      await writeMigration(dir, "add_notes", "SELECT 2;\n", now);
      expect((await readdir(dir)).sort()).toEqual([
        "20261202080910_add_notes",
        "20261202080911_add_notes",
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
