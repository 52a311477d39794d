// Test helper: a new, empty (unmigrated) database on the run's server, dropped at dispose.
import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import { createDatabaseIfMissing, databaseUrl, dropDatabase } from "../database.ts";

export async function createEmptyDatabase(): Promise<{ url: string; dispose(): Promise<void> }> {
  const serverUrl = inject("postgresServerUrl");
  const name = `kit_empty_${randomBytes(6).toString("hex")}`;
  await createDatabaseIfMissing(serverUrl, name);
  return { url: databaseUrl(serverUrl, name), dispose: () => dropDatabase(serverUrl, name) };
}
