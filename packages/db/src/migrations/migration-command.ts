// `pnpm db:migration`: writes the migration schema.prisma needs, or (--check) says it is missing.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { SchemaDiffError } from "../errors";
import { findWorkspaceRoot } from "../workspace-root";
import { checkMigrationName, writeMigration } from "./new-migration";
import { diffMigrationsToSchema } from "./schema-diff";
import { openScratchServer } from "./scratch-server";

export const MIGRATION_USAGE = `Usage: pnpm db:migration <name>     write the migration schema.prisma needs
       pnpm db:migration --check     exit 1 if schema.prisma has changes no migration covers

<name>: lower-case letters, digits and underscores, e.g. add_notes.
Options:
  --schema FILE       default: prisma/schema.prisma
  --migrations DIR    default: prisma/migrations
  -h, --help          this text
Scratch databases: on DATABASE_URL's server when set (created and dropped), else on a throwaway
embedded PostgreSQL. Exit codes: 0 done, 1 a problem (printed), 2 a usage error.`;

export interface MigrationCommandIo {
  out(text: string): void;
  err(text: string): void;
}

export interface MigrationCommandContext {
  /** A server to make scratch databases on; none: a throwaway embedded one. */
  databaseUrl?: string;
  /** What relative --schema and --migrations are resolved against, and paths shown relative to. */
  cwd: string;
  now?: () => Date;
}

const EXIT = { ok: 0, problem: 1, usage: 2 } as const;

/** Runs the command; returns the process's exit code. */
export async function runMigrationCommand(
  argv: string[],
  io: MigrationCommandIo,
  context: MigrationCommandContext,
): Promise<number> {
  let values: { check?: boolean; help?: boolean; schema?: string; migrations?: string };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        check: { type: "boolean" },
        help: { type: "boolean", short: "h" },
        schema: { type: "string" },
        migrations: { type: "string" },
      },
    }));
  } catch (error) {
    return usage(io, (error as Error).message);
  }
  if (values.help) {
    io.out(MIGRATION_USAGE);
    return EXIT.ok;
  }
  const [name, ...extra] = positionals;
  if (extra.length > 0) return usage(io, `one name only, got: ${positionals.join(" ")}`);
  if (values.check && name !== undefined) return usage(io, "--check takes no name");
  if (!values.check && name === undefined) return usage(io, "a migration name is needed");

  try {
    if (name !== undefined) checkMigrationName(name);
    const root = () => findWorkspaceRoot(context.cwd);
    const schemaPath = values.schema
      ? path.resolve(context.cwd, values.schema)
      : path.join(root(), "prisma", "schema.prisma");
    const migrationsDir = values.migrations
      ? path.resolve(context.cwd, values.migrations)
      : path.join(root(), "prisma", "migrations");
    const schema = await readFile(schemaPath, "utf8").catch((cause: unknown) => {
      throw new SchemaDiffError("SCHEMA_NOT_FOUND", `cannot read ${schemaPath}`, { cause });
    });

    const server = await openScratchServer(context.databaseUrl);
    let diff: string | null;
    try {
      const script = name !== undefined;
      diff = await diffMigrationsToSchema({ schema, migrationsDir, server, script });
    } finally {
      await server.close();
    }

    if (diff === null) {
      io.out(
        name === undefined
          ? "schema.prisma and the migrations agree"
          : "schema.prisma and the migrations agree; nothing written",
      );
      return EXIT.ok;
    }
    if (name === undefined) {
      io.err(`schema.prisma has changes no migration covers:\n${diff.trimEnd()}\n`);
      io.err("Write their migration with: pnpm db:migration <name>  (e.g. add_notes)");
      return EXIT.problem;
    }
    const file = await writeMigration(migrationsDir, name, diff, context.now?.());
    io.out(`wrote ${shown(file, context.cwd)}\n\n${diff.trimEnd()}\n`);
    io.out(
      "Read it before committing (a rename shows as a drop and an add). Then regenerate the " +
        "client: pnpm --filter @kit/db generate; and apply it: pnpm db:migrate (the app also " +
        "applies pending migrations when it starts).",
    );
    return EXIT.ok;
  } catch (error) {
    if (error instanceof SchemaDiffError && error.code === "MIGRATION_NAME_INVALID") {
      return usage(io, error.message);
    }
    io.err(`error: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.problem;
  }
}

function usage(io: MigrationCommandIo, message: string): number {
  io.err(`error: ${message}\n(pnpm db:migration --help shows the usage)`);
  return EXIT.usage;
}

// Relative to where the command was typed when inside it, which is what a person can open.
function shown(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  return relative.startsWith("..") || path.isAbsolute(relative) ? file : relative;
}
