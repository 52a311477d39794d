// A private PostgreSQL server that a test may stop and start again on the same folder and port:
// an outage of its own, harming no other test's database.
import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { postgresUrl } from "./database";
import { type EmbeddedServer, startEmbeddedServer } from "./embedded-server";
import { freePort } from "./free-port";

export interface RestartablePostgres {
  /** The superuser's URL on the `postgres` database; the same before and after a restart. */
  url: string;
  /** Fast shutdown (open connections are terminated); the folder stays. Twice is harmless. */
  stop(): Promise<void>;
  /** Starts the server again on the same folder and port (a no-op while it runs). */
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  dispose(): Promise<void>;
}

/**
 * Like startThrowawayPostgres, but `stop()` keeps the data and `start()` brings it back.
 *
 * @example
 * const pg = await startRestartablePostgres();
 * await pg.stop();   // calls now meet a refused connection
 * await pg.start();  // and the same URL answers again
 * await pg.dispose();
 */
export async function startRestartablePostgres(): Promise<RestartablePostgres> {
  const root = await mkdtemp(path.join(tmpdir(), "kit-postgres-"));
  // mkdtemp makes 0700, which the `postgres` user (the server, when we are root) cannot enter.
  await chmod(root, 0o755);
  const password = randomBytes(18).toString("base64url");
  const port = await freePort();
  const options = {
    dataDir: path.join(root, "data"),
    port,
    password,
    initdbFlags: ["--no-sync"],
    settings: { fsync: "off", synchronous_commit: "off", full_page_writes: "off" },
  };
  let server: EmbeddedServer | null = null;
  try {
    server = await startEmbeddedServer({ ...options, initialise: true });
  } catch (err) {
    await rm(root, { recursive: true, force: true });
    throw err;
  }
  const stop = async () => {
    const running = server;
    server = null;
    await running?.stop();
  };
  return {
    url: postgresUrl({ password, port, database: "postgres" }),
    stop,
    async start() {
      server ??= await startEmbeddedServer({ ...options, initialise: false });
    },
    async dispose() {
      await stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}
