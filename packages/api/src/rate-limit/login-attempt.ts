// One login attempt as the limiter sees it: charged to every budget it counts against BEFORE
// the password is checked, so concurrent attempts cannot all pass on one stale reading; then
// settled as failed (it stays counted) or succeeded (it is given back).
import type { RateLimiterRes } from "rate-limiter-flexible";
import { RateLimitedError } from "../errors";
import { type Budgets, type Charge, isAdmitted, isRefused, refuseIfAny, toSeconds } from "./budget";

/** An attempt the limiter let through: settle it once the password has been checked. */
export interface LoginAttempt {
  /**
   * Wrong password, unknown email or inactive account: the attempt stays counted everywhere,
   * and the one that reached the burst threshold locks the pair. An attempt never settled (the
   * caller threw before checking) also stays counted, as a failure.
   */
  failed(): Promise<void>;
  /**
   * Right password: the pair's consecutive failures start afresh, and the account (or device)
   * and client points are given back, a success being no failure.
   */
  succeeded(): Promise<void>;
  /**
   * No password was checked after all (the server was too busy to hash): every budget gets its
   * point back, as for a refused attempt, and the pair's count of failures stays as it was.
   */
  withdrawn(): Promise<void>;
}

/** The budgets one attempt is charged to. */
export interface LoginCharges {
  /** Failures in a row of this account from this client: the burst. */
  pair: Charge;
  /** The account's failures from everywhere, or a known device's own failures instead. */
  account: Charge;
  /** The client's failures over every account: its address or /64, then its /56 and /48. */
  clients: Charge[];
}

export interface BurstPolicy {
  /** Failures in a row that lock the pair. */
  failures: number;
  lockSeconds: number;
}

/** Charges an attempt; throws RateLimitedError, having given back what it took, if any budget is spent. */
export async function beginLoginAttempt(
  budgets: Budgets,
  charges: LoginCharges,
  burst: BurstPolicy,
): Promise<LoginAttempt> {
  const lockMs = burst.lockSeconds * 1000;

  /**
   * Locks the pair unless it is locked already, and returns how long it must wait. A lock
   * (`block`) rewrites the row to threshold + 1, ending with the lock. So a count past the
   * threshold whose row outlives the lock is not locked yet: its last admitted attempts are
   * still being verified (they are told the lock's length, not the 24 h window's), or the store
   * failed between the count and the lock (a hiccup costs the lock, not the rest of a day).
   */
  async function lockIfUnlocked(res: RateLimiterRes): Promise<number> {
    const unlocked =
      res.consumedPoints === burst.failures ||
      (res.consumedPoints > burst.failures && res.msBeforeNext > lockMs);
    if (!unlocked) return res.msBeforeNext;
    await budgets.lock(charges.pair, burst.lockSeconds);
    return lockMs;
  }

  // Budgets this instance saw refuse are read, not spent (Budgets.recheck): a flood at a lock
  // writes nothing, and is recorded once (RateLimitedError.repeated).
  const [pairAgain, ...othersAgain] = await Promise.all(
    [charges.pair, charges.account, ...charges.clients].map((charge) => budgets.recheck(charge)),
  );
  if (pairAgain) {
    throw new RateLimitedError(toSeconds(await lockIfUnlocked(pairAgain)), undefined, true);
  }
  refuseIfAny(
    othersAgain.filter((res) => res !== null).map((res) => res.msBeforeNext),
    undefined,
    true,
  );

  // The pair first: an attempt its burst lock refuses never touches the account's or the
  // client's budgets, so an attacker locked on one pair cannot drain them.
  const pair = await budgets.spend(charges.pair);
  if (!pair.admitted) {
    throw new RateLimitedError(toSeconds(await lockIfUnlocked(pair.res)), undefined, pair.again);
  }

  const others = await Promise.all(
    [charges.account, ...charges.clients].map((charge) => budgets.spend(charge)),
  );
  const admitted = others.filter(isAdmitted);
  if (admitted.length < others.length) {
    // Refused, so no attempt: every budget that had admitted it gets its point back.
    await Promise.all([pair, ...admitted].map((spent) => budgets.giveBack(spent)));
    const over = others.filter(isRefused);
    throw new RateLimitedError(
      toSeconds(Math.max(...over.map((spent) => spent.res.msBeforeNext))),
      undefined,
      over.every((spent) => spent.again),
    );
  }

  let settled = false;
  const settle = () => {
    if (settled) throw new TypeError("A login attempt is settled once");
    settled = true;
  };
  return {
    async failed() {
      settle();
      // Only the attempt that reached the threshold locks, so attempts admitted before it that
      // fail later do not extend the lock.
      if (pair.res.consumedPoints < burst.failures) return;
      const now = await budgets.read(charges.pair);
      // Gone or counting afresh: a success reset the pair while this attempt was verified, or a
      // refused attempt gave back its point, so there were not that many failures in a row.
      if (now === null || now.consumedPoints < burst.failures) return;
      await lockIfUnlocked(now);
    },
    async succeeded() {
      settle();
      await Promise.all([
        budgets.reset(charges.pair),
        ...admitted.map((spent) => budgets.giveBack(spent)),
      ]);
    },
    async withdrawn() {
      settle();
      await Promise.all([pair, ...admitted].map((spent) => budgets.giveBack(spent)));
    },
  };
}
