// An account's sign-in limits in the limiter's store, for an operator or an admin to clear: a
// user locked out by failed attempts (someone else's, or their own forgotten password) may sign
// in again at once, on every instance (Auth0 calls this "unblock"). The per-client caps stay:
// they are the clients' limits, not the account's.
import { AppError } from "../errors";
import { accountKey } from "./keys";
import { type KeyMatch, type LimiterStore, type OpenStore, openStore } from "./store";

/** The counters a sign-in is charged to that are keyed by its account. */
export const ACCOUNT_COUNTERS = {
  /** One account from one client: the burst lock. Keyed `<account>:<client>`. */
  pair: "login-burst",
  /** The account's shared budget. Keyed `<account>`. */
  account: "login-account",
  /** A known device's own budget. Keyed `<account>:<device>`. */
  device: "login-device",
} as const;

/** The keys holding `email`'s sign-in limits (the account part is hex: no wildcard in it). */
function accountMatches(email: string): KeyMatch[] {
  const who = accountKey(email);
  return [
    { counter: ACCOUNT_COUNTERS.account, keys: [who], prefixes: [] },
    { counter: ACCOUNT_COUNTERS.pair, keys: [], prefixes: [`${who}:`] },
    { counter: ACCOUNT_COUNTERS.device, keys: [], prefixes: [`${who}:`] },
  ];
}

/**
 * Deletes the account's counts and locks, from every client and device, in an open store (a
 * running limiter's, or one opened for the purpose); how many it deleted. A store that fails is
 * 503 LIMITER_UNAVAILABLE, naming `named` when given (the command line's store).
 */
export async function forgetAccount(
  open: OpenStore,
  email: string,
  named?: Exclude<LimiterStore, { kind: "memory" }>,
): Promise<number> {
  try {
    return await open.forget(accountMatches(email));
  } catch (cause) {
    throw limiterUnavailable(cause, named);
  }
}

/** forgetAccount in `store`, opened for it and closed after (the command line: no limiter). */
export async function clearAccountLimits(
  store: Exclude<LimiterStore, { kind: "memory" }>,
  email: string,
): Promise<number> {
  // Deleting goes to the store itself, never to a stand-in: a store that fails is an error.
  const open = openStore(store, () => {});
  try {
    return await forgetAccount(open, email, store);
  } finally {
    await open.close();
  }
}

/**
 * 503 LIMITER_UNAVAILABLE for a store that failed to forget; its message names the store (kind
 * and address, never its credentials) when given, for an operator's command line.
 */
function limiterUnavailable(
  cause: unknown,
  store?: Exclude<LimiterStore, { kind: "memory" }>,
): AppError {
  const where = store ? ` (${storeName(store)})` : "";
  const reason = cause instanceof Error ? `: ${cause.message}` : "";
  return new AppError(
    "LIMITER_UNAVAILABLE",
    "SERVICE_UNAVAILABLE",
    store
      ? `the rate limiter's store${where} did not answer${reason}; nothing was cleared`
      : "The rate limiter's store did not answer; nothing was cleared. Try again shortly.",
    { cause },
  );
}

/** The store as an operator knows it: kind and address, never its credentials. */
export function storeName(store: Exclude<LimiterStore, { kind: "memory" }>): string {
  return `${store.kind === "redis" ? "Redis" : "PostgreSQL"} at ${hostOf(store.url)}`;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "an unreadable URL";
  }
}
