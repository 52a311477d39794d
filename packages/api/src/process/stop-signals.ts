// How a server takes SIGINT and SIGTERM: the first stops it gracefully; a later one, at once.
import { constants } from "node:os";

/**
 * Copies of one stop request arrive together: a terminal's Ctrl-C goes to every process of the
 * foreground group (pnpm, the server, a cluster's workers), and pnpm passes its own copy on to
 * its child, as a primary passes SIGTERM to its workers. Signals this close to the first are
 * that same request, not an operator asking twice.
 */
export const SAME_REQUEST_MS = 1000;

const STOP_SIGNALS = ["SIGINT", "SIGTERM"] as const;

/**
 * Runs `shutdown` on the first SIGINT or SIGTERM. Another within SAME_REQUEST_MS of it is
 * ignored; one after that ends the process at once with 128 + its number, as the signal itself
 * would (the `exit` handlers still run: an embedded PostgreSQL this process owns is stopped).
 * Returns a function that removes the handlers.
 *
 * @example
 * onStopSignals((signal) => void drainThenExit(signal));
 */
export function onStopSignals(
  shutdown: (signal: NodeJS.Signals) => void,
  now: () => number = Date.now,
): () => void {
  let firstAt: number | null = null;
  const handle = (signal: NodeJS.Signals) => {
    const at = now();
    if (firstAt === null) {
      firstAt = at;
      shutdown(signal);
    } else if (at - firstAt >= SAME_REQUEST_MS) {
      process.exit(128 + constants.signals[signal]);
    }
  };
  for (const signal of STOP_SIGNALS) process.on(signal, handle);
  return () => {
    for (const signal of STOP_SIGNALS) process.off(signal, handle);
  };
}
