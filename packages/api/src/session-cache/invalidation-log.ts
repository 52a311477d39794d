// What was invalidated since a moment (an epoch): the session cache asks it whether a database
// read that began at that moment may be cached. Per session and per user, so a logout elsewhere
// does not spoil every read in flight; bounded, and on the safe side once it forgets.

export interface InvalidationLog {
  /** The current epoch: take it before a read. */
  readonly epoch: number;
  /** A session (`s:<id>`) or user (`u:<id>`) changed. */
  record(key: string): void;
  /** Everything changed (or nothing heard can be trusted). */
  recordAll(): void;
  /** True when any of `keys`, or everything, was invalidated after `epoch`. */
  changedSince(epoch: number, keys: readonly string[]): boolean;
}

/**
 * Keeps the latest epoch of each key, at most `maxRecords` of them. When the oldest is dropped,
 * every read that began before it counts as changed: it might have been about that key.
 *
 * @example
 * const log = createInvalidationLog();
 * const before = log.epoch;
 * const row = await read();
 * if (!log.changedSince(before, [`s:${row.id}`, `u:${row.userId}`])) cache(row);
 */
export function createInvalidationLog(maxRecords = 10_000): InvalidationLog {
  let epoch = 0;
  let allAt = 0;
  let forgottenAt = 0;
  // Insertion order is epoch order: a record moved on is deleted and set again.
  const records = new Map<string, number>();
  return {
    get epoch() {
      return epoch;
    },
    record(key) {
      epoch += 1;
      records.delete(key);
      records.set(key, epoch);
      if (records.size > maxRecords) {
        const [oldestKey, oldestEpoch] = records.entries().next().value ?? ["", 0];
        records.delete(oldestKey);
        forgottenAt = oldestEpoch;
      }
    },
    recordAll() {
      epoch += 1;
      allAt = epoch;
      // Every read that began before now is refused through allAt: older records say nothing more.
      records.clear();
    },
    changedSince(since, keys) {
      if (allAt > since || forgottenAt > since) return true;
      return keys.some((key) => (records.get(key) ?? 0) > since);
    },
  };
}
