// Who is using an embedded server: one file per process in a folder beside the cluster, so the
// last process to leave stops the server, whichever process started it.
//
// Synchronous on purpose: a process that ends without stopping (an `exit` handler) leaves the
// same way, and nothing asynchronous runs there. No lock either: a process joins by writing its
// file *before* it looks for the others, and leaves by removing its file *before* it looks, so
// of a joiner and a leaver crossing, at least one sees the other (the leaver then leaves the
// server running; a joiner that saw nobody treats the server as abandoned and restarts it).
import { mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  currentProcessIdentity,
  isSameProcessAlive,
  type ProcessIdentity,
} from "./process-identity";

// A process may hold one folder's server more than once (a test, a script calling twice): its
// file stays until its last hold ends.
const holdsHere = new Map<string, number>();

function ownFile(dir: string): string {
  return path.join(dir, String(process.pid));
}

/** Files `holder` as a user of the server: its file is named for its pid and holds its identity. */
function writeHolder(dir: string, holder: ProcessIdentity): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(path.join(dir, String(holder.pid)), JSON.stringify(holder), { mode: 0o600 });
}

/** Whether this process holds the server already (before a new hold). */
export function holdsServer(dir: string): boolean {
  return (holdsHere.get(dir) ?? 0) > 0;
}

/**
 * Records this process as a user of the server, before it looks for the others. True when this
 * process held it already (then the server it holds is running: nobody else may stop it).
 */
export function holdServer(dir: string): boolean {
  const count = holdsHere.get(dir) ?? 0;
  if (count === 0) writeHolder(dir, currentProcessIdentity());
  holdsHere.set(dir, count + 1);
  return count > 0;
}

/** A server's `keepRunning`: ends this process's hold, true while others still hold it. */
export function releaseKeepsRunning(dir: string): () => boolean {
  return () => releaseServer(dir).length > 0;
}

/**
 * Ends one hold of this process; the other live processes still holding the server, which are
 * none when the caller should stop it (this process still counts while it holds it elsewhere).
 */
export function releaseServer(dir: string): ProcessIdentity[] {
  const count = (holdsHere.get(dir) ?? 0) - 1;
  if (count > 0) {
    holdsHere.set(dir, count);
    return [currentProcessIdentity()];
  }
  holdsHere.delete(dir);
  try {
    unlinkSync(ownFile(dir));
  } catch {
    // Never written, or already gone.
  }
  return otherHolders(dir);
}

/**
 * Counts `holder` as a user of the server, as if it had joined: for a process of an older
 * release, which recorded only that it started the server (see embedded-postgres.ts).
 */
export function adoptHolder(dir: string, holder: ProcessIdentity): void {
  writeHolder(dir, holder);
}

/** The live processes other than this one that hold the server; dead ones' files are removed. */
export function otherHolders(dir: string): ProcessIdentity[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const live: ProcessIdentity[] = [];
  for (const name of names) {
    if (name === String(process.pid)) continue;
    const file = path.join(dir, name);
    const holder = readHolder(file);
    if (holder && isSameProcessAlive(holder)) {
      live.push(holder);
    } else if (holder) {
      try {
        unlinkSync(file);
      } catch {
        // Removed by another process meanwhile.
      }
    }
  }
  return live;
}

// Null for a file being written this very moment (or garbage): not counted, and left alone.
function readHolder(file: string): ProcessIdentity | null {
  try {
    const value = JSON.parse(readFileSync(file, "utf8")) as Partial<ProcessIdentity>;
    return typeof value.pid === "number"
      ? { pid: value.pid, startTime: value.startTime ?? null }
      : null;
  } catch {
    return null;
  }
}
