// Password hashing (argon2id through @node-rs/argon2) runs on libuv's thread pool and holds a
// core for each hash. At the pool's default priority the kernel shares the cores evenly between
// a hash and the thread that answers every other request, so a login flood stretches the tail
// of cheap calls (packages/bench/PERFORMANCE.md: auth.me's p99 during a login flood). With the
// pool's threads at a lower priority the answering thread goes first, and a hash still gets
// every cycle nobody else wants. The pool also does file system work, DNS lookups and zlib:
// those yield to the answering thread too when the cores are busy.
import { readlink } from "node:fs";
import os from "node:os";

// libuv's rule for the pool's size: UV_THREADPOOL_SIZE when it is a whole number from 1 (else
// 4), at most 1024.
export function poolSize(value = process.env.UV_THREADPOOL_SIZE): number {
  const asked = Number(value);
  return Number.isInteger(asked) && asked > 0 ? Math.min(asked, 1024) : 4;
}

// A readlink runs on whichever pool thread takes it, and /proc/thread-self names the thread
// that reads it: "<pid>/task/<tid>".
const poolThreadOfOneJob = () =>
  new Promise<number | undefined>((resolve) => {
    readlink("/proc/thread-self", (error, link) => {
      const tid = error ? undefined : Number(link.slice(link.lastIndexOf("/") + 1));
      resolve(tid !== undefined && Number.isInteger(tid) ? tid : undefined);
    });
  });

/**
 * The thread ids of libuv's pool (Linux): jobs are sent until every thread of the pool has
 * taken one (a few dozen jobs of a microsecond each, once or twice), at most `rounds` times.
 * Only pool threads run them, so every id found is one; fewer than the pool's size when some
 * thread stayed busy with a long job throughout.
 */
async function findPoolThreads(rounds = 50): Promise<number[]> {
  const size = poolSize();
  const found = new Set<number>();
  for (let round = 0; round < rounds && found.size < size; round++) {
    const tids = await Promise.all(Array.from({ length: 16 * size }, poolThreadOfOneJob));
    for (const tid of tids) if (tid !== undefined) found.add(tid);
  }
  return [...found].sort((a, b) => a - b);
}

export type PoolPriority =
  | { lowered: true; threads: number[] }
  | { lowered: false; reason: string };

/**
 * Sets the nice value of libuv's pool threads (THREAD_POOL_NICE, default 10; 0 leaves them).
 * Linux only: elsewhere, or where /proc/thread-self cannot be read, it says so and changes
 * nothing. Raising a nice value needs no privilege. The main thread and V8's keep theirs.
 */
export async function lowerPoolPriority(nice: number): Promise<PoolPriority> {
  if (nice === 0) return { lowered: false, reason: "THREAD_POOL_NICE=0" };
  if (process.platform !== "linux") return { lowered: false, reason: "not Linux" };
  // A process started at this nice or lower already (`nice -n 15 pnpm start`) is left as it is:
  // going back up would need a privilege, and lower is what it asked for.
  const own = os.getPriority();
  if (own >= nice) return { lowered: false, reason: `the process runs at nice ${own} already` };
  const threads = await findPoolThreads();
  if (threads.length === 0) return { lowered: false, reason: "/proc/thread-self unreadable" };
  try {
    // On Linux, setpriority on a thread id sets that thread alone.
    for (const tid of threads) os.setPriority(tid, nice);
  } catch (error) {
    // A sandbox that forbids it (seccomp, say): the server runs all the same.
    return { lowered: false, reason: error instanceof Error ? error.message : String(error) };
  }
  return { lowered: true, threads };
}

/** lowerPoolPriority, with a line on stderr when it could not (the server runs all the same). */
export async function reportPoolPriority(nice: number): Promise<void> {
  const result = await lowerPoolPriority(nice);
  // Nice 0 is the operator's choice, not a failure: nothing to say.
  if (!result.lowered && nice !== 0) {
    console.error(`[api] password hashing keeps the process's priority: ${result.reason}`);
  }
}
