// The servers this process started, and the `exit` handler that stops them when it ends.
import { rmSync } from "node:fs";
import { stopPostmasterSync } from "./postmaster";

export interface RunningServer {
  /** The PostgreSQL data folder (holds postmaster.pid). */
  dataDir: string;
  pid: number;
  /** A folder to delete once the server is down (a throwaway server's temporary folder). */
  removeAfterStop?: string;
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
      stopPostmasterSync(server.dataDir, server.pid);
      if (server.removeAfterStop) {
        rmSync(server.removeAfterStop, { recursive: true, force: true });
      }
    }
    running.clear();
  });
}
