// Starts one PostgreSQL server from the bundled binaries; it stops when this process ends, however.
import type { ChildProcess } from "node:child_process";
import { rm } from "node:fs/promises";
import { EmbeddedPostgresError } from "../errors";
import { importEmbeddedPostgres } from "./embedded-postgres-import";
import { withPrivateTmpdir } from "./private-tmpdir";
import { trackServer } from "./running-servers";
import { serverUserIds } from "./server-user";

export interface EmbeddedServerOptions {
  /**
   * The PostgreSQL data folder; its parent folders must be traversable by `postgres`. The first
   * initialisation also uses `<dataDir>.init-tmp` (private, removed afterwards).
   */
  dataDir: string;
  port: number;
  /** The superuser's password: given to initdb, so only used when `initialise` is set. */
  password: string;
  initialise: boolean;
  /** Extra `postgres -c` settings. */
  settings?: Record<string, string>;
  initdbFlags?: string[];
  /** A folder to delete once the server is down (a throwaway server's temporary folder). */
  removeAfterStop?: string;
  /**
   * Start it in a process group of its own, so that a signal to this process's group (a
   * terminal's Ctrl-C) reaches this process alone, which stops the server once it no longer needs
   * it (a server finishes its requests in flight first). Only where something recovers a server
   * this process leaves behind when killed outright (ensureEmbeddedPostgres does, on the next
   * start): a throwaway server stays in the group, which takes it along.
   */
  ownProcessGroup?: boolean;
  /**
   * Asked when this process ends without having stopped the server: true leaves it running
   * (other processes use it; the last of them stops it).
   */
  keepRunning?: () => boolean;
}

export interface EmbeddedServer {
  pid: number;
  stop(): Promise<void>;
  /** Hands the server over: it keeps running, and this process's end no longer stops it. */
  leaveRunning(): void;
}

export async function startEmbeddedServer(options: EmbeddedServerOptions): Promise<EmbeddedServer> {
  const EmbeddedPostgres = await importEmbeddedPostgres();
  // The server's own output is noise unless starting fails; then its last lines say why.
  const output: string[] = [];
  const capture = (message: unknown) => {
    output.push(String(message).trim());
    if (output.length > 20) output.shift();
  };
  const settings = {
    listen_addresses: "127.0.0.1",
    // TCP only: no socket files in /tmp, no socket-path length limit.
    unix_socket_directories: "",
    ...options.settings,
  };
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user: "postgres",
    password: options.password,
    authMethod: "scram-sha-256",
    // We delete folders ourselves (also from the exit handler, where stop() cannot run).
    persistent: true,
    // As root, initdb and postgres refuse to run: the package runs them as `postgres`.
    createPostgresUser: true,
    detachProcessGroup: options.ownProcessGroup === true,
    initdbFlags: ["--encoding=UTF8", "--locale=C", ...(options.initdbFlags ?? [])],
    postgresFlags: Object.entries(settings).flatMap(([key, value]) => ["-c", `${key}=${value}`]),
    onLog: capture,
    onError: capture,
  });

  try {
    if (options.initialise) {
      // The package hands initdb the password in a file it writes to os.tmpdir(), readable by
      // anyone while initdb runs if that is the shared /tmp: so os.tmpdir() is a private folder
      // beside the cluster for that time, one only the server's user can enter.
      await withPrivateTmpdir(`${options.dataDir}.init-tmp`, await serverUserIds(), () =>
        server.initialise(),
      );
    }
    await server.start();
  } catch (cause) {
    // start() rejects with `undefined` when the server exits early: the log holds the reason
    // (e.g. 'lock file "postmaster.pid" already exists', or the port is taken).
    throw new EmbeddedPostgresError(
      "POSTGRES_START_FAILED",
      `PostgreSQL did not start in ${options.dataDir}: ${output.join(" | ") || String(cause)}`,
      { cause },
    );
  }

  // `process` is private in the package's types; it is the postmaster's ChildProcess.
  const child = (server as unknown as { process?: ChildProcess }).process;
  const pid = child?.pid;
  if (!child || pid === undefined) {
    throw new EmbeddedPostgresError("POSTGRES_START_FAILED", "PostgreSQL started without a PID");
  }
  // The server must not keep this process alive: a script that is done should end, and the
  // exit handler then stops the server. So neither the child nor its pipes hold the loop.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) {
    (stream as { unref?: () => void } | null)?.unref?.();
  }

  const untrack = trackServer({
    dataDir: options.dataDir,
    removeAfterStop: options.removeAfterStop,
    keepRunning: options.keepRunning,
  });
  let stopping: Promise<void> | undefined;
  return {
    pid,
    stop() {
      stopping ??= (async () => {
        // The package's stop() waits for an exit event that never comes if the server died.
        if (child.exitCode === null && child.signalCode === null) {
          // Held again so that the event loop waits for that exit event.
          child.ref();
          await server.stop();
        }
        untrack();
        if (options.removeAfterStop) {
          await rm(options.removeAfterStop, { recursive: true, force: true });
        }
      })();
      return stopping;
    },
    leaveRunning: untrack,
  };
}
