// Reads a data folder's postmaster.pid and stops the server it names, as `pg_ctl stop -m fast`.
import { existsSync, readFileSync } from "node:fs";
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
// `pg_ctl stop -m fast` sends. The postmaster deletes postmaster.pid as its very last step, so
// the file's absence (not the PID, which may linger as our unreaped child) means it is down.
function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

/** Fast shutdown, waiting up to `timeoutMs`; escalates to immediate shutdown (SIGQUIT). */
export async function stopPostmaster(
  dataDir: string,
  pid: number,
  timeoutMs = 10_000,
): Promise<void> {
  const pidFile = path.join(dataDir, "postmaster.pid");
  for (const [name, wait] of [
    ["SIGINT", timeoutMs],
    ["SIGQUIT", 5_000],
  ] as const) {
    signal(pid, name);
    const deadline = Date.now() + wait;
    while (Date.now() < deadline) {
      if (!existsSync(pidFile) || !isProcessAlive(pid)) return;
      await sleep(20);
    }
  }
}

/**
 * The same, blocking: for `process.on("exit")`, where nothing asynchronous runs any more.
 * Returns whether the server is down.
 */
export function stopPostmasterSync(dataDir: string, pid: number, timeoutMs = 5_000): boolean {
  const pidFile = path.join(dataDir, "postmaster.pid");
  const pause = new Int32Array(new SharedArrayBuffer(4));
  signal(pid, "SIGINT");
  const deadline = Date.now() + timeoutMs;
  while (existsSync(pidFile) && isProcessAlive(pid)) {
    if (Date.now() > deadline) {
      signal(pid, "SIGQUIT");
      return false;
    }
    Atomics.wait(pause, 0, 0, 10);
  }
  return true;
}
