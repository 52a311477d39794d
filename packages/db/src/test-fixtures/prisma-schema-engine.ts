// Test helper: Prisma's own schema engine (wasm, inside @prisma/internals), needing no binary.
import { readdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";

// Neither package is ours to depend on: each is a dependency of one we have (@prisma/internals,
// @prisma/adapter-pg), so they are resolved from there.
const require = createRequire(import.meta.url);
const fromInternals = createRequire(require.resolve("@prisma/internals"));
const fromAdapter = createRequire(require.resolve("@prisma/adapter-pg"));
const wasmDir = path.dirname(fromInternals.resolve("@prisma/schema-engine-wasm"));
const adapterUtils = fromAdapter("@prisma/driver-adapter-utils") as {
  bindMigrationAwareSqlAdapterFactory(factory: unknown): object;
};

export interface MigrationsList {
  baseDir: string;
  lockfile: { path: string; content: string | null };
  migrationDirectories: {
    path: string;
    migrationFile: { path: string; content: { tag: "ok"; value: string } };
  }[];
  shadowDbInitScript: string;
}

interface SchemaEngine {
  diff(params: object): Promise<{ exitCode: number; stdout: string | null }>;
  diagnoseMigrationHistory(params: object): Promise<{
    editedMigrationNames: string[];
    failedMigrationNames: string[];
    hasMigrationsTable: boolean;
    history: unknown;
  }>;
  applyMigrations(params: object): Promise<{ appliedMigrationNames: string[] }>;
  free(): void;
}

let engineClass: Promise<{ new: (...args: unknown[]) => Promise<SchemaEngine> }> | undefined;

// The WebAssembly global, typed just enough (the compiler's lib here has no WebAssembly types).
const { WebAssembly: Wasm } = globalThis as unknown as {
  WebAssembly: {
    Module: new (bytes: Uint8Array) => object;
    Instance: new (
      module: object,
      imports: Record<string, unknown>,
    ) => { exports: Record<string, unknown> };
  };
};

// What @prisma/internals' wasmSchemaEngineLoader does, with the .wasm file found where the
// package keeps it (the loader looks in the CLI bundle's folder).
async function loadEngineClass() {
  const runtime = (await import(path.join(wasmDir, "schema_engine_bg.js"))) as {
    __wbg_set_wasm(exports: Record<string, unknown>): void;
    SchemaEngine: { new: (...args: unknown[]) => Promise<SchemaEngine> };
  };
  const bytes = await readFile(path.join(wasmDir, "schema_engine_bg.wasm"));
  const instance = new Wasm.Instance(new Wasm.Module(bytes), { "./schema_engine_bg.js": runtime });
  runtime.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return runtime.SchemaEngine;
}

export const noFilters = { filters: { externalTables: [], externalEnums: [] } };

/**
 * Prisma's schema engine connected to `url` through @prisma/adapter-pg. `close()` ends its
 * connections: until then it keeps holding the migrations lock it took (as the CLI would, for
 * as long as the command runs).
 */
export async function prismaSchemaEngine(
  url: string,
  schema: string,
): Promise<{ engine: SchemaEngine; close(): Promise<void> }> {
  engineClass ??= loadEngineClass();
  const pool = new pg.Pool({ connectionString: url });
  const factory = adapterUtils.bindMigrationAwareSqlAdapterFactory(new PrismaPg(pool));
  const engine = await (await engineClass).new(
    { datamodels: [["schema.prisma", schema]] },
    () => {},
    factory,
  );
  let closing: Promise<void> | undefined;
  return {
    engine,
    close() {
      closing ??= (async () => {
        engine.free();
        await pool.end();
      })();
      return closing;
    },
  };
}

/** The migrations folder as Prisma's CLI hands it to the engine. */
export async function migrationsList(dir: string): Promise<MigrationsList> {
  const entries = await readdir(dir, { withFileTypes: true });
  const folders = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  return {
    baseDir: dir,
    lockfile: {
      path: "migration_lock.toml",
      content: await readFile(path.join(dir, "migration_lock.toml"), "utf8").catch(() => null),
    },
    migrationDirectories: await Promise.all(
      folders.sort().map(async (name) => ({
        path: name,
        migrationFile: {
          path: "migration.sql",
          content: {
            tag: "ok" as const,
            value: await readFile(path.join(dir, name, "migration.sql"), "utf8"),
          },
        },
      })),
    ),
    shadowDbInitScript: "",
  };
}
