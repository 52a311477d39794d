// Prisma's own schema engine (the wasm build @prisma/internals uses), needing no engine binary.
// The package is pinned to the build Prisma 7.10.0 ships: change both together.
import { readdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import type { MigrationList, SchemaEngine } from "@prisma/schema-engine-wasm";
import * as runtime from "@prisma/schema-engine-wasm/schema_engine_bg";
import { engineAdapterFactory, type ScratchDatabase } from "./engine-adapter";

export type { SchemaEngine };

// The package's entry imports the .wasm file as a module, which Node 20 cannot do without a
// flag; so we instantiate it from the file, as @prisma/internals' loader does.
const wasmDir = path.dirname(createRequire(import.meta.url).resolve("@prisma/schema-engine-wasm"));

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

// A panic in the engine reports its message here before the wasm traps with "unreachable";
// without a registry the report itself throws and the message is lost.
const panics: string[] = [];
(globalThis as { PRISMA_WASM_PANIC_REGISTRY?: object }).PRISMA_WASM_PANIC_REGISTRY = {
  set_message: (message: string) => panics.push(message),
};

/** The message of the engine's last panic, if it panicked since the last call. */
export function takeEnginePanic(): string | undefined {
  return panics.splice(0).at(-1);
}

let loaded: Promise<typeof runtime.SchemaEngine> | undefined;

async function loadEngineClass(): Promise<typeof runtime.SchemaEngine> {
  const bytes = await readFile(path.join(wasmDir, "schema_engine_bg.wasm"));
  const instance = new Wasm.Instance(new Wasm.Module(bytes), { "./schema_engine_bg.js": runtime });
  runtime.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return runtime.SchemaEngine;
}

/** No tables or enums managed outside schema.prisma (prisma.config.ts declares none). */
export const noFilters = { filters: { externalTables: [], externalEnums: [] } };

export interface OpenSchemaEngineOptions {
  /** The database the engine connects to; `diff` between files and schemas never writes to it. */
  url: string;
  /** schema.prisma's text. */
  schema: string;
  /** Makes an empty database for each shadow database the engine asks for; none if omitted. */
  shadowDatabase?: () => Promise<ScratchDatabase>;
}

/**
 * Prisma's schema engine connected to `url`. `close()` ends its connections: until then it
 * keeps holding any migrations lock it took (as the CLI would, for as long as a command runs).
 *
 * @example
 * const { engine, close } = await openSchemaEngine({ url, schema });
 * try { await engine.applyMigrations({ migrationsList: await migrationsList(dir), ...noFilters }); }
 * finally { await close(); }
 */
export async function openSchemaEngine(
  options: OpenSchemaEngineOptions,
): Promise<{ engine: SchemaEngine; close(): Promise<void> }> {
  loaded ??= loadEngineClass();
  const adapters = engineAdapterFactory(options.url, options.shadowDatabase);
  const factory = bindMigrationAwareSqlAdapterFactory(adapters);
  const engine = await (await loaded).new(
    { datamodels: [["schema.prisma", options.schema]] },
    () => {},
    factory,
  );
  let closing: Promise<void> | undefined;
  return {
    engine,
    close() {
      closing ??= (async () => {
        engine.free();
        await adapters.disposeAll();
      })();
      return closing;
    },
  };
}

/** The migrations folder as Prisma's CLI hands it to the engine. */
export async function migrationsList(dir: string): Promise<MigrationList> {
  const entries = await readdir(dir, { withFileTypes: true });
  const folders = entries
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith("."))
    .map((entry) => entry.name);
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
