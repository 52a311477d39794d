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
import {
  adoptHolder,
  holdServer,
  otherHolders,
  releaseKeepsRunning,
  releaseServer,
} from "./holders";
import { type PostmasterInfo, runningPostmaster, stopPostmaster } from "./postmaster";
import {
  currentProcessIdentity,
  isSameProcessAlive,
  type ProcessIdentity,
} from "./process-identity";
import { installExitHandler, installSignalHandlers, trackServer } from "./running-servers";
import { readSecret, writeNewSecret } from "./secret-file";

export interface EnsureEmbeddedPostgresOptions {
  /** The app's git-ignored data folder (e.g. `.data`); the cluster lives in `<dataDir>/postgres`. */
  dataDir: string;
  /** Default "kit"; created when missing. */
  database?: string;
  log?: (line: string) => void;
  /**
   * Default true: a folder without a cluster gets a new one. False for a process that only
   * reads or changes what is there (an operator's command): it refuses with NO_DATABASE_YET and
   * leaves the folder as it was, so a mistyped DATA_DIR is said, not filled with an empty cluster.
   */
  create?: boolean;
}

export interface EmbeddedPostgresHandle {
  /** The app's URL: it connects as `kit_app`, owner of `database` but not a superuser. */
  url: string;
  /** True when this process started the server; false when it joined one already running. */
  owned: boolean;
  /**
   * Ends this process's use of the server: the server stops unless another live process still
   * uses it (then the last of them stops it), whichever process started it. A process that
   * ends without calling this leaves the same way.
   */
  stop(): Promise<void>;
}

/** The cluster's folder in the data folder; the server's files sit beside it. */
const CLUSTER_DIR = "postgres";

// Beside the cluster: the port to prefer next time, and for releases before the holders folder
// (they read and wrote `owner`, and only that process stopped the server) who started it.
interface ServerState {
  port?: number;
  /** The process that started the server. */
  owner?: ProcessIdentity;
  /** Written by releases that keep the holders folder; absent, `owner` is all there is. */
  holders?: string;
}

/**
 * A URL for the app's embedded PostgreSQL server, as the app's own role (`kit_app`, owner of the
 * database and its `public` schema, no superuser; created or brought up to date here): joins the
 * one other live processes of the app use on `dataDir` (the CLI or seed script beside `next dev`),
 * recovers a server that nobody uses any more (its processes were killed with `kill -9`), or
 * starts one (initialising the folder the first time). The server runs while any process that
 * asked for it does: the last one stops it, so a short command that started it does not take it
 * away from a server that joined meanwhile.
 *
 * @example
 * const db = await ensureEmbeddedPostgres({ dataDir: ".data", log: console.log });
 * // ... use db.url; let go when this process ends, or at `await db.stop()`
 */
export async function ensureEmbeddedPostgres(
  options: EnsureEmbeddedPostgresOptions,
): Promise<EmbeddedPostgresHandle> {
  const dataDir = path.resolve(options.dataDir);
  const database = options.database ?? "kit";
  const log = options.log ?? (() => {});
  if (options.create === false && !existsSync(path.join(dataDir, CLUSTER_DIR, "PG_VERSION"))) {
    throw new EmbeddedPostgresError(
      "NO_DATABASE_YET",
      `no database in ${dataDir} yet (pnpm start or pnpm db:migrate makes it there; DATA_DIR names the folder)`,
    );
  }
  await prepareDataDir(dataDir);
  return withFileLock(path.join(dataDir, "postgres.lock"), () =>
    ensureLocked(dataDir, database, log),
  );
}

interface DataDirFiles {
  cluster: string;
  password: string;
  appPassword: string;
  state: string;
  holders: string;
}

async function ensureLocked(
  dataDir: string,
  database: string,
  log: (line: string) => void,
): Promise<EmbeddedPostgresHandle> {
  const files: DataDirFiles = {
    cluster: path.join(dataDir, CLUSTER_DIR),
    password: path.join(dataDir, "postgres.password"),
    appPassword: path.join(dataDir, "postgres-app.password"),
    state: path.join(dataDir, "postgres.json"),
    holders: path.join(dataDir, "postgres.holders"),
  };
  // Before looking for the others: see holders.ts.
  const heldAlready = holdServer(files.holders);
  try {
    const running = runningPostmaster(files.cluster);
    const others = running ? otherHolders(files.holders) : [];
    const older = running && others.length === 0 ? await olderReleaseStarter(files.state) : null;
    if (older) {
      // Started by an older release still running on this folder (an upgrade in progress): it
      // stops the server when it ends, and until then the server is its, not an orphan's.
      adoptHolder(files.holders, older);
      others.push(older);
    }
    if (running && (others.length > 0 || heldAlready)) {
      return await join(files, running, others, database, log);
    }
    if (running) {
      // Nobody will ever stop it, and it holds the folder: stop it, then start afresh.
      log(`stopping embedded PostgreSQL orphaned by processes that are gone (pid ${running.pid})`);
      await stopPostmaster(files.cluster);
    }
    return await start(files, database, log);
  } catch (err) {
    releaseServer(files.holders);
    throw err;
  }
}

async function join(
  files: DataDirFiles,
  running: PostmasterInfo,
  others: ProcessIdentity[],
  database: string,
  log: (line: string) => void,
): Promise<EmbeddedPostgresHandle> {
  const password = await readSecret(files.password);
  if (password === null) throw passwordMissing(path.dirname(files.cluster));
  const serverUrl = postgresUrl({ password, port: running.port, database: "postgres" });
  try {
    // Its starter may have started it a moment ago.
    await waitUntilAccepting(serverUrl, 10_000);
  } catch (cause) {
    throw new EmbeddedPostgresError(
      "POSTGRES_UNREACHABLE",
      `The PostgreSQL server in ${files.cluster} (pid ${running.pid}) does not answer`,
      { cause },
    );
  }
  await createDatabaseIfMissing(serverUrl, database);
  const url = await appUrl(files.appPassword, serverUrl, running.port, database);
  const users = others.map((other) => other.pid).join(", ");
  log(
    `reusing embedded PostgreSQL on port ${running.port} (in use by ${users ? `pid ${users}` : "this process"})`,
  );
  // This process may be the last to leave, and then stops it, also when it ends without a word.
  installExitHandler();
  installSignalHandlers();
  const untrack = trackServer({
    dataDir: files.cluster,
    keepRunning: releaseKeepsRunning(files.holders),
  });
  return {
    url,
    owned: false,
    stop: once(async () => {
      untrack();
      // Quietly: a process leaving a server it joined is the usual case.
      if (releaseServer(files.holders).length > 0) return;
      await stopPostmaster(files.cluster);
    }),
  };
}

async function start(
  files: DataDirFiles,
  database: string,
  log: (line: string) => void,
): Promise<EmbeddedPostgresHandle> {
  const dataDir = path.dirname(files.cluster);
  const state = await readState(files.state);
  let password = await readSecret(files.password);
  // A stale postmaster.pid (its process gone) needs nothing: PostgreSQL replaces it and recovers.
  const initialised = existsSync(path.join(files.cluster, "PG_VERSION"));
  if (initialised && password === null) throw passwordMissing(dataDir);
  if (!initialised) {
    // A folder without PG_VERSION is an initdb that never finished: it holds no data.
    await rm(files.cluster, { recursive: true, force: true });
    // Written down before initdb uses it, so that a crash in between still leaves a folder we
    // can open. (initdb reads it from a private folder: see startEmbeddedServer.)
    password = await writeNewSecret(files.password);
  }
  if (password === null) throw passwordMissing(dataDir);

  const port = await freePort(state.port);
  const server = await startEmbeddedServer({
    dataDir: files.cluster,
    port,
    password,
    initialise: !initialised,
    // A terminal's Ctrl-C is the app's to act on: it finishes its requests, then stops this.
    ownProcessGroup: true,
    keepRunning: releaseKeepsRunning(files.holders),
  });
  let url: string;
  try {
    // `owner` too, so an older release started on this folder meanwhile joins the server
    // rather than stopping it as orphaned.
    const state: ServerState = {
      port,
      owner: currentProcessIdentity(),
      holders: path.basename(files.holders),
    };
    await writeFile(files.state, JSON.stringify(state));
    const serverUrl = postgresUrl({ password, port, database: "postgres" });
    await createDatabaseIfMissing(serverUrl, database);
    url = await appUrl(files.appPassword, serverUrl, port, database);
  } catch (err) {
    await server.stop(); // Nobody would get a handle to stop it with.
    throw err;
  }
  log(
    `started embedded PostgreSQL on port ${port} (${initialised ? "data in" : "new cluster in"} ${files.cluster})`,
  );
  return {
    url,
    owned: true,
    stop: once(async () => {
      if (leaves(files.holders, log)) {
        server.leaveRunning();
        return;
      }
      await server.stop();
      // The one it started may have died, and a command that found the folder's server down
      // started it again and left it to this process: the last to leave stops what runs now.
      await stopPostmaster(files.cluster);
    }),
  };
}

/** Ends the starter's hold; true (and a line: it hands the server over) when others use it. */
function leaves(holders: string, log: (line: string) => void): boolean {
  const others = releaseServer(holders);
  if (others.length === 0) return false;
  const pids = others.map((other) => other.pid).filter((pid) => pid !== process.pid);
  if (pids.length > 0) log(`leaving embedded PostgreSQL running for pid ${pids.join(", ")}`);
  return true;
}

// Not only the server's own guard against stopping twice: a second stop() must not end a
// second hold, which may be another handle's in this process.
function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => {
    running ??= fn();
    return running;
  };
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

/** The live process an older release recorded as the server's starter, if any. */
async function olderReleaseStarter(stateFile: string): Promise<ProcessIdentity | null> {
  const { owner, holders } = await readState(stateFile);
  if (holders !== undefined || typeof owner?.pid !== "number") return null;
  const identity = { pid: owner.pid, startTime: owner.startTime ?? null };
  return identity.pid !== process.pid && isSameProcessAlive(identity) ? identity : null;
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
