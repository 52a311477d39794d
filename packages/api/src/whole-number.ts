// The settings check shared by the API's counters, batches and sweeps: counts and intervals are
// whole numbers, at least one (a fraction or 0 would be a programmer's mistake, found at start).

/** Throws a TypeError naming `name` unless `value` is a safe integer ≥ 1. */
export function assertWholeAtLeastOne(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new TypeError(`${name} must be a whole number ≥ 1 (got ${String(value)}).`);
  }
}
