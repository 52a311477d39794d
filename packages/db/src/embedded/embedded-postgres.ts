// ensureEmbeddedPostgres: one PostgreSQL server per app data folder, shared by its processes.
import { existsSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { EmbeddedPostgresError } from "../errors";
import { APP_ROLE, provisionAppRole } from "./app-role";
import { prepareDataDir } from "./data-dir";
import { withFileLock } from "./data-dir-lock";
import { createDatabaseIfMissing, postgresUrl, waitUntilAccepting } from "./database";
import { startEmbeddedServer } from "./embedded-server";
import { freePort } from "./free-port";
import { runningPostmaster, stopPostmaster } from "./postmaster";
import {
  currentProcessIdentity,
  isSameProcessAlive,
  type ProcessIdentity,
} from "./process-identity";
import { readSecret, writeNewSecret } from "./secret-file";

export interface EnsureEmbeddedPostgresOptions {
  /** The app's git-ignored data folder (e.g. `.data`); the cluster lives in `<dataDir>/postgres`. */
  dataDir: string;
  /** Default "kit"; created when missing. */
  database?: string;
  log?: (line: string) => void;
}

export interface EmbeddedPostgresHandle {
  /** The app's URL: it connects as `kit_app`, owner of `database` but not a superuser. */
  url: string;
  /** False when another live process started the server: then `stop()` does nothing. */
  owned: boolean;
  stop(): Promise<void>;
}

// Beside the cluster: who started the running server, and the port to prefer next time.
interface ServerState {
  port?: number;
  owner?: ProcessIdentity;
}

/**
 * A URL for the app's embedded PostgreSQL server, as the app's own role (`kit_app`, owner of the
 * database and its `public` schema, no superuser; created or brought up to date here): reuses the one another live process of the app
 * started on `dataDir` (the CLI or seed script beside `next dev`), recovers a server orphaned by
 * a process that was killed (`kill -9`), or starts one (initialising the folder the first time).
 *
 * @example
 * const db = await ensureEmbeddedPostgres({ dataDir: ".data", log: console.log });
 * // ... use db.url; the server stops when this process ends, or at `await db.stop()`
 */
export async function ensureEmbeddedPostgres(
  options: EnsureEmbeddedPostgresOptions,
): Promise<EmbeddedPostgresHandle> {
  const dataDir = path.resolve(options.dataDir);
  const database = options.database ?? "kit";
  const log = options.log ?? (() => {});
  await prepareDataDir(dataDir);
  return withFileLock(path.join(dataDir, "postgres.lock"), () =>
    ensureLocked(dataDir, database, log),
  );
}

async function ensureLocked(
  dataDir: string,
  database: string,
  log: (line: string) => void,
): Promise<EmbeddedPostgresHandle> {
  const clusterDir = path.join(dataDir, "postgres");
  const files = {
    password: path.join(dataDir, "postgres.password"),
    appPassword: path.join(dataDir, "postgres-app.password"),
    state: path.join(dataDir, "postgres.json"),
  };
  const state = await readState(files.state);
  let password = await readSecret(files.password);

  const running = runningPostmaster(clusterDir);
  if (running) {
    if (password === null) throw passwordMissing(dataDir);
    if (state.owner && isSameProcessAlive(state.owner)) {
      const serverUrl = postgresUrl({ password, port: running.port, database: "postgres" });
      try {
        // Its owner may have started it a moment ago.
        await waitUntilAccepting(serverUrl, 10_000);
      } catch (cause) {
        throw new EmbeddedPostgresError(
          "POSTGRES_UNREACHABLE",
          `The PostgreSQL server in ${clusterDir} (pid ${running.pid}) does not answer`,
          { cause },
        );
      }
      await createDatabaseIfMissing(serverUrl, database);
      const url = await appUrl(files.appPassword, serverUrl, running.port, database);
      log(
        `reusing embedded PostgreSQL on port ${running.port} (started by pid ${state.owner.pid})`,
      );
      return { url, owned: false, stop: async () => {} };
    }
    // Nobody will ever stop it, and it holds the folder: stop it, then start afresh.
    log(`stopping embedded PostgreSQL orphaned by a dead process (pid ${running.pid})`);
    await stopPostmaster(clusterDir, running.pid);
  }

  // A stale postmaster.pid (its process gone) needs nothing: PostgreSQL replaces it and recovers.
  const initialised = existsSync(path.join(clusterDir, "PG_VERSION"));
  if (initialised && password === null) throw passwordMissing(dataDir);
  if (!initialised) {
    // A folder without PG_VERSION is an initdb that never finished: it holds no data.
    await rm(clusterDir, { recursive: true, force: true });
    // Written down before initdb uses it, so that a crash in between still leaves a folder we
    // can open. (initdb reads it from a private folder: see startEmbeddedServer.)
    password = await writeNewSecret(files.password);
  }
  if (password === null) throw passwordMissing(dataDir);

  const port = await freePort(state.port);
  const server = await startEmbeddedServer({
    dataDir: clusterDir,
    port,
    password,
    initialise: !initialised,
    // A terminal's Ctrl-C is the app's to act on: it finishes its requests, then stops this.
    ownProcessGroup: true,
  });
  let url: string;
  try {
    // Never cleared: once this process is gone the record names a dead owner, which is all the
    // next process needs to know (and clearing it on exit could race a successor's record).
    await writeFile(files.state, JSON.stringify({ port, owner: currentProcessIdentity() }));
    const serverUrl = postgresUrl({ password, port, database: "postgres" });
    await createDatabaseIfMissing(serverUrl, database);
    url = await appUrl(files.appPassword, serverUrl, port, database);
  } catch (err) {
    await server.stop(); // Nobody would get a handle to stop it with.
    throw err;
  }
  log(
    `started embedded PostgreSQL on port ${port} (${initialised ? "data in" : "new cluster in"} ${clusterDir})`,
  );
  return { url, owned: true, stop: server.stop };
}

// The superuser (`serverUrl`) sets the app's role up; the app gets that role's URL. Its password
// file is made when missing (a folder from before the role, or a lost file): the superuser can
// always set a new one.
async function appUrl(
  passwordFile: string,
  serverUrl: string,
  port: number,
  database: string,
): Promise<string> {
  const password = (await readSecret(passwordFile)) ?? (await writeNewSecret(passwordFile));
  await provisionAppRole(serverUrl, { password, database });
  return postgresUrl({ user: APP_ROLE, password, port, database });
}

async function readState(file: string): Promise<ServerState> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as ServerState;
  } catch {
    return {};
  }
}

function passwordMissing(dataDir: string): EmbeddedPostgresError {
  return new EmbeddedPostgresError(
    "PASSWORD_FILE_MISSING",
    `${path.join(dataDir, "postgres.password")} is missing, so the server in ${dataDir} cannot be ` +
      "reached; restore it, or delete the folder to start with an empty database",
  );
}
