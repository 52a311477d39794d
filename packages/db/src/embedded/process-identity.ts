// Tells whether a recorded process is still the same running process (PIDs get reused).
import { readFileSync } from "node:fs";

/** True while `pid` runs (EPERM means it runs but belongs to someone else). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
  // A zombie (exited, not yet reaped by its parent, e.g. a container's init) still answers
  // kill(pid, 0), but it is as dead as dead gets.
  return procStat(pid)?.[0] !== "Z";
}

// /proc/<pid>/stat from field 3 (the state) on: the command name before it, in parentheses,
// may itself hold spaces and parentheses.
function procStat(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

/**
 * The process's start time in clock ticks since boot (Linux /proc), or null where there is no
 * /proc. Stored beside a PID it tells a live owner from a new process that reuses its number.
 */
export function processStartTime(pid: number): string | null {
  return procStat(pid)?.[19] ?? null; // Field 22 of stat(5).
}

export interface ProcessIdentity {
  pid: number;
  startTime: string | null;
}

export function currentProcessIdentity(): ProcessIdentity {
  return { pid: process.pid, startTime: processStartTime(process.pid) };
}

/** True if the process recorded as `identity` is still running (not a successor on its PID). */
export function isSameProcessAlive(identity: ProcessIdentity): boolean {
  if (!isProcessAlive(identity.pid)) return false;
  if (identity.startTime === null) return true;
  const now = processStartTime(identity.pid);
  return now === null || now === identity.startTime;
}

/** The command name of a live process where /proc tells it (Linux), else null. */
export function processName(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return null;
  }
}
