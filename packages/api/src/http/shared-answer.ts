// One answer for every caller for a while: callers that arrive while it is being worked out, or
// within `reuseMs` of its arrival, get it instead of asking again. For answers anyone may ask
// for as often as they like (the health probe), so that a flood of them costs one at a time.

/**
 * `ask` behind a single flight: at most one call of it runs at a time, and its answer serves
 * every caller until `reuseMs` after it arrived. A rejection is handed to the callers that were
 * waiting for it and never reused: the next caller asks again.
 */
export function shareAnswer<T>(
  ask: () => Promise<T>,
  reuseMs: number,
  now: () => number = Date.now,
): () => Promise<T> {
  let current: Promise<T> | null = null;
  let reusableUntil = 0;
  return () => {
    if (current && now() < reusableUntil) return current;
    const asked = ask();
    current = asked;
    reusableUntil = Number.POSITIVE_INFINITY;
    asked.then(
      () => {
        if (current === asked) reusableUntil = now() + reuseMs;
      },
      () => {
        if (current === asked) current = null;
      },
    );
    return asked;
  };
}
