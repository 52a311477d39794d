// Where the migration differ makes its throwaway databases: DATABASE_URL's server, else a
// throwaway embedded PostgreSQL. Nothing on them outlives the command.
import { randomBytes } from "node:crypto";
import { createDatabaseIfMissing, databaseUrl, dropDatabase } from "../embedded/database";
import { startThrowawayPostgres } from "../embedded/throwaway-postgres";
import { SchemaDiffError } from "../errors";
import type { ScratchDatabase } from "./engine-adapter";

export interface ScratchServer {
  /** Says where, for messages: "DATABASE_URL's server" or "a throwaway embedded PostgreSQL". */
  description: string;
  /** A new, empty database, dropped by its `drop()` or at the latest by `close()`. */
  createDatabase(): Promise<ScratchDatabase>;
  close(): Promise<void>;
}

/**
 * With `serverUrl` (a URL whose role may CREATE DATABASE), databases named `kit_scratch_*` are
 * made on that server and dropped again; its own database is never touched. Without, a
 * throwaway embedded server is started (~1 s) and removed at `close()`.
 */
export async function openScratchServer(serverUrl?: string): Promise<ScratchServer> {
  if (serverUrl) return databasesOn(serverUrl, "DATABASE_URL's server", async () => {});
  let server: Awaited<ReturnType<typeof startThrowawayPostgres>>;
  try {
    server = await startThrowawayPostgres();
  } catch (cause) {
    throw new SchemaDiffError(
      "SCRATCH_DATABASE_FAILED",
      `could not start a throwaway embedded PostgreSQL: ${messageOf(cause)}`,
      { cause },
    );
  }
  return databasesOn(server.url, "a throwaway embedded PostgreSQL", server.stop);
}

function databasesOn(
  serverUrl: string,
  description: string,
  stop: () => Promise<void>,
): ScratchServer {
  const made = new Set<string>();
  const drop = async (name: string) => {
    if (!made.delete(name)) return;
    await dropDatabase(serverUrl, name);
  };
  return {
    description,
    async createDatabase() {
      const name = `kit_scratch_${randomBytes(6).toString("hex")}`;
      try {
        await createDatabaseIfMissing(serverUrl, name);
      } catch (cause) {
        // 42501: the role lacks CREATEDB, as the kit's own app role does.
        const hint =
          (cause as { code?: unknown }).code === "42501"
            ? " (its role needs CREATEDB; or unset DATABASE_URL to use a throwaway embedded server)"
            : "";
        throw new SchemaDiffError(
          "SCRATCH_DATABASE_FAILED",
          `could not create a scratch database on ${description}${hint}: ${messageOf(cause)}`,
          { cause },
        );
      }
      made.add(name);
      return { url: databaseUrl(serverUrl, name), drop: () => drop(name) };
    },
    async close() {
      try {
        await Promise.all([...made].map(drop));
      } finally {
        await stop();
      }
    },
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
