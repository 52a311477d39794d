// Reads a data folder's postmaster.pid and stops the server it names, as `pg_ctl stop -m fast`.
import { readFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { isProcessAlive, processName } from "./process-identity";

export interface PostmasterInfo {
  pid: number;
  port: number;
}

/** Line 1 is the postmaster's PID, line 4 its port; null when there is no (readable) file. */
export function readPostmasterPid(dataDir: string): PostmasterInfo | null {
  let text: string;
  try {
    text = readFileSync(path.join(dataDir, "postmaster.pid"), "utf8");
  } catch {
    return null;
  }
  const lines = text.split("\n");
  const pid = Number.parseInt(lines[0] ?? "", 10);
  const port = Number.parseInt(lines[3] ?? "", 10);
  return Number.isInteger(pid) && pid > 0 && Number.isInteger(port) ? { pid, port } : null;
}

/** The server named in postmaster.pid if it is really running (not a stale file). */
export function runningPostmaster(dataDir: string): PostmasterInfo | null {
  const info = readPostmasterPid(dataDir);
  if (!info || !isProcessAlive(info.pid)) return null;
  // A stale file's PID may since belong to another program: never signal that.
  const name = processName(info.pid);
  return name === null || name === "postgres" ? info : null;
}

// SIGINT is PostgreSQL's fast shutdown (roll back open transactions, checkpoint, exit), what
// `pg_ctl stop -m fast` sends. Down means the process is gone: the postmaster deletes
// postmaster.pid among its last steps but still runs a moment after (CI once found one alive
// after the process that stopped it had ended), and a caller that then checks, or starts a server on the port, must not meet it. An
// unreaped child of ours counts as gone (isProcessAlive reads a zombie as dead).
function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

// Fast shutdown first; a server that has not ended by then gets immediate shutdown (SIGQUIT),
// which ends it within moments even on a loaded machine.
function shutdownSteps(fastMs: number): [NodeJS.Signals, number][] {
  return [
    ["SIGINT", fastMs],
    ["SIGQUIT", 5_000],
  ];
}

/**
 * Stops the server postmaster.pid names, if it runs, and waits until it has ended. Whatever runs
 * in the folder now, never a remembered PID: the server started here may have died and another
 * process started the folder's again since, and a PID from a server long gone may belong to
 * another program by now. Returns what it stopped.
 */
export async function stopPostmaster(
  dataDir: string,
  timeoutMs = 10_000,
): Promise<PostmasterInfo | null> {
  const running = runningPostmaster(dataDir);
  if (!running) return null;
  for (const [name, wait] of shutdownSteps(timeoutMs)) {
    signal(running.pid, name);
    const deadline = Date.now() + wait;
    while (Date.now() < deadline) {
      if (!isProcessAlive(running.pid)) return running;
      await sleep(20);
    }
  }
  return running;
}

/**
 * The same, blocking: for `process.on("exit")`, where nothing asynchronous runs any more.
 * Returns whether the server has ended.
 */
export function stopPostmasterSync(dataDir: string, timeoutMs = 5_000): boolean {
  const running = runningPostmaster(dataDir);
  if (!running) return true;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (const [name, wait] of shutdownSteps(timeoutMs)) {
    signal(running.pid, name);
    const deadline = Date.now() + wait;
    while (Date.now() < deadline) {
      if (!isProcessAlive(running.pid)) return true;
      Atomics.wait(pause, 0, 0, 10);
    }
  }
  return false;
}
