// WEB_CONCURRENCY past the core count: more workers than cores serve no faster, and each costs its
// memory and its start; far past it, workers queue for the database at start and time out.

/** The warning for `workers` on a machine with `cores` cores, or null when there are enough. */
export function workerCountWarning(workers: number, cores: number): string | null {
  if (workers <= cores) return null;
  return (
    `warning: WEB_CONCURRENCY=${workers} is more than this machine's ${cores} core(s): workers ` +
    'past one per core add memory and start-up time, not speed ("auto" starts one per core)'
  );
}
