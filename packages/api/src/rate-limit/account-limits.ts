// An account's sign-in limits in the limiter's store, for an operator or an admin to clear: a
// user locked out by failed attempts (someone else's, or their own forgotten password) may sign
// in again at once, on every instance (Auth0 calls this "unblock"). The per-client caps stay:
// they are the clients' limits, not the account's.
import { accountKey } from "./keys";
import { type KeyMatch, type LimiterStore, openStore } from "./store";

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
export function accountMatches(email: string): KeyMatch[] {
  const who = accountKey(email);
  return [
    { counter: ACCOUNT_COUNTERS.account, keys: [who], prefixes: [] },
    { counter: ACCOUNT_COUNTERS.pair, keys: [], prefixes: [`${who}:`] },
    { counter: ACCOUNT_COUNTERS.device, keys: [], prefixes: [`${who}:`] },
  ];
}

/**
 * Deletes the account's counts and locks, from every client and device, in `store` without a
 * running limiter (the command line); how many it deleted.
 */
export async function clearAccountLimits(
  store: Exclude<LimiterStore, { kind: "memory" }>,
  email: string,
): Promise<number> {
  // Deleting goes to the store itself, never to a stand-in: a store that fails is an error.
  const open = openStore(store, () => {});
  try {
    return await open.forget(accountMatches(email));
  } finally {
    await open.close();
  }
}
