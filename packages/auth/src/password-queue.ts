// The hashing queue: at most `concurrency` argon2 jobs at once and a bounded line behind them.
import { availableParallelism } from "node:os";
import pLimit from "p-limit";
import { AuthError } from "./errors";

export interface PasswordQueueSettings {
  /** Argon2 jobs running at once; default hashConcurrencyDefault(). */
  concurrency?: number;
  /** Jobs allowed to wait for a slot; default 64 × concurrency. Past it: SERVER_BUSY. */
  maxWaiting?: number;
}

export interface PasswordQueue {
  /** Runs `job` when a slot is free; throws AuthError SERVER_BUSY at once when the line is full. */
  run<T>(job: () => Promise<T>): Promise<T>;
  readonly concurrency: number;
  readonly maxWaiting: number;
  /** Jobs running now. */
  readonly active: number;
  /** Jobs waiting for a slot. */
  readonly waiting: number;
}

/**
 * One core fewer than the machine has (divided among `processes` workers), at least one. An argon2 job holds a core (and one of
 * libuv's four pool threads, which file and DNS work share) for ~10–15 ms: leaving a core and a
 * pool thread free keeps every other request — a token check, a database reply — answered
 * while a login flood hashes.
 */
export function hashConcurrencyDefault(processes = 1): number {
  // Several worker processes on one machine share those cores: each gets its part.
  return Math.max(1, Math.floor((availableParallelism() - 1) / processes));
}

/** How many may wait by default: about a second of work at ~15 ms a job. */
export const WAITING_PER_SLOT = 64;

function assertCount(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new TypeError(`${name} must be an integer of at least ${min}, got ${value}`);
  }
}

/**
 * A bounded queue in front of the hashing functions (see `queue` in hashPassword and
 * verifyPassword). Refusing early is the point: a line that grows without bound turns a flood
 * into minutes of latency for everyone, and memory; a full line answers at once and the client
 * retries later.
 *
 * @example
 * const queue = createPasswordQueue({ concurrency: 1, maxWaiting: 64 });
 * const ok = await verifyPassword(hash, password, { queue }); // may throw AuthError SERVER_BUSY
 */
export function createPasswordQueue(settings: PasswordQueueSettings = {}): PasswordQueue {
  const concurrency = settings.concurrency ?? hashConcurrencyDefault();
  assertCount("concurrency", concurrency, 1);
  const maxWaiting = settings.maxWaiting ?? WAITING_PER_SLOT * concurrency;
  assertCount("maxWaiting", maxWaiting, 0);
  const limit = pLimit(concurrency);
  return {
    run(job) {
      // activeCount and pendingCount both change synchronously as jobs enter and leave, so
      // their sum is exactly how many jobs the queue holds.
      if (limit.activeCount + limit.pendingCount >= concurrency + maxWaiting) {
        return Promise.reject(new AuthError("SERVER_BUSY"));
      }
      return limit(job);
    },
    concurrency,
    maxWaiting,
    get active() {
      return limit.activeCount;
    },
    get waiting() {
      return limit.pendingCount;
    },
  };
}
