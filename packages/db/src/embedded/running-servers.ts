// The servers this process started, the `exit` handler that stops them when it ends, and the
// signal handlers that end a process which does not handle the signal itself.
import { rmSync } from "node:fs";
import { stopPostmasterSync } from "./postmaster";

export interface RunningServer {
  /** The PostgreSQL data folder (holds postmaster.pid, which names the server to stop). */
  dataDir: string;
  /** A folder to delete once the server is down (a throwaway server's temporary folder). */
  removeAfterStop?: string;
  /** Asked as this process ends: true leaves the server running for other processes using it. */
  keepRunning?: () => boolean;
}

const running = new Set<RunningServer>();
let handlerInstalled = false;

/** Remembers a started server until the returned function is called (after a clean stop). */
export function trackServer(server: RunningServer): () => void {
  running.add(server);
  return () => {
    running.delete(server);
  };
}

/**
 * Installs, once, the `exit` handler that stops every tracked server. `exit` is the one event
 * every ending sees (normal end, process.exit, an uncaught error, the signal handlers' exit),
 * but it runs nothing asynchronous: the stop is a signal plus a blocking wait (~10-100 ms).
 */
export function installExitHandler(): void {
  if (handlerInstalled) return;
  handlerInstalled = true;
  process.on("exit", () => {
    for (const server of running) {
      if (server.keepRunning?.()) continue;
      stopPostmasterSync(server.dataDir);
      if (server.removeAfterStop) {
        rmSync(server.removeAfterStop, { recursive: true, force: true });
      }
    }
    running.clear();
  });
}

const SIGNAL_EXIT_CODES = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;
let signalsInstalled = false;

/**
 * Installs, once, a handler for SIGINT, SIGTERM and SIGHUP that ends the process with 128 + the
 * signal's number (the `exit` handler then stops the servers), as an unhandled signal would, but
 * with the servers stopped. Where the process listens for the signal itself (a server that first
 * finishes its requests, then stops its database and exits), it is left to do so: stopping the
 * database here would fail the very requests it is finishing; what a second signal means is the
 * server's to say too (at once, unless it is a copy of the first: one Ctrl-C arrives more than once).
 */
export function installSignalHandlers(): void {
  if (signalsInstalled) return;
  signalsInstalled = true;
  for (const [signal, code] of Object.entries(SIGNAL_EXIT_CODES)) {
    process.on(signal, () => {
      if (process.listenerCount(signal) > 1) return;
      process.exit(code);
    });
  }
}
