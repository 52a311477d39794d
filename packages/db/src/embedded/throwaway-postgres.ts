// A disposable PostgreSQL server (test runs, the migration differ's scratch databases):
// a temporary folder, no durability, gone at stop.
import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { postgresUrl } from "./database";
import { startEmbeddedServer } from "./embedded-server";
import { freePort } from "./free-port";

/**
 * Starts a fresh server (~0.6 s) whose URL points at its `postgres` database. `stop()` removes
 * everything; if the process ends first, its exit handler does the same.
 */
export async function startThrowawayPostgres(): Promise<{ url: string; stop(): Promise<void> }> {
  const root = await mkdtemp(path.join(tmpdir(), "kit-postgres-"));
  try {
    // mkdtemp makes 0700, which the `postgres` user (the server, when we are root) cannot enter.
    await chmod(root, 0o755);
    const password = randomBytes(18).toString("base64url");
    const port = await freePort();
    const server = await startEmbeddedServer({
      dataDir: path.join(root, "data"),
      port,
      password,
      initialise: true,
      // Durability buys nothing for data deleted at the end of the run, and costs time.
      initdbFlags: ["--no-sync"],
      settings: { fsync: "off", synchronous_commit: "off", full_page_writes: "off" },
      removeAfterStop: root,
    });
    return { url: postgresUrl({ password, port, database: "postgres" }), stop: server.stop };
  } catch (err) {
    await rm(root, { recursive: true, force: true });
    throw err;
  }
}
