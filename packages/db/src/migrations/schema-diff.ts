// What schema.prisma asks of the database beyond what the migrations build, in Prisma's words:
// `prisma migrate diff --from-migrations <dir> --to-schema <schema>`, run offline.
import { SchemaDiffError } from "../errors";
import { readMigrationsDir } from "./migrations-dir";
import { migrationsList, noFilters, openSchemaEngine, takeEnginePanic } from "./schema-engine";
import type { ScratchServer } from "./scratch-server";

export interface SchemaDiffOptions {
  /** schema.prisma's text. */
  schema: string;
  migrationsDir: string;
  /** Where the engine replays the migrations (its shadow database) and connects meanwhile. */
  server: ScratchServer;
  /** true: the SQL that closes the gap; false: Prisma's summary ("[+] Added column ..."). */
  script: boolean;
}

/**
 * The difference between the database the migrations build and the one schema.prisma
 * describes, or `null` when there is none.
 *
 * @example
 * const sql = await diffMigrationsToSchema({ schema, migrationsDir, server, script: true });
 * if (sql !== null) await writeFile("migration.sql", sql);
 */
export async function diffMigrationsToSchema(options: SchemaDiffOptions): Promise<string | null> {
  // The runner's checks first (a folder without migration.sql, another provider's lock file),
  // so both refuse the same folders with the same errors.
  await readMigrationsDir(options.migrationsDir);
  const list = await migrationsList(options.migrationsDir);

  // The engine connects before it is asked anything: a scratch database of its own, so that
  // nothing it does can reach a database anyone uses.
  const home = await options.server.createDatabase();
  try {
    const { engine, close } = await openSchemaEngine({
      url: home.url,
      schema: options.schema,
      shadowDatabase: () => options.server.createDatabase(),
    });
    try {
      const result = await engine
        .diff({
          from: { tag: "migrations", ...list },
          to: {
            tag: "schemaDatamodel",
            files: [{ path: "schema.prisma", content: options.schema }],
          },
          script: options.script,
          // Asks the engine to say whether there is a difference (2) or not (0), so that
          // "nothing to do" is never read out of its wording.
          exitCode: true,
          ...noFilters,
        })
        .catch((cause: unknown) => {
          const panic = takeEnginePanic();
          const message = panic ?? (cause instanceof Error ? cause.message : String(cause));
          // Schema validation errors arrive as "error: ...", which our own prefix would repeat.
          throw new SchemaDiffError("SCHEMA_DIFF_FAILED", message.replace(/^error:\s*/i, ""), {
            cause,
          });
        });
      return result.exitCode === 2 ? (result.stdout ?? "") : null;
    } finally {
      await close().catch(() => {}); // An engine that panicked cannot be freed cleanly.
    }
  } finally {
    await home.drop();
  }
}
