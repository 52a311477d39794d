// Budgets as the limiter's policies use them: a point spent atomically per key, given back only
// within the window it was spent in, and every call run past the store's outage tracker.
import { type RateLimiterAbstract, RateLimiterRes } from "rate-limiter-flexible";
import { RateLimitedError } from "../errors";
import type { OpenStore } from "./store";

/** A counter and the key one event is charged to. */
export interface Charge {
  counter: RateLimiterAbstract;
  key: string;
}

/**
 * One point spent from a charge: admitted within its budget, or refused over it; `again` when
 * this instance had seen the key refused already (a concurrent attempt was refused first).
 */
export type Spent =
  | { charge: Charge; admitted: true; res: RateLimiterRes; windowEndsAt: number }
  | { charge: Charge; admitted: false; res: RateLimiterRes; again: boolean };

export type Admitted = Extract<Spent, { admitted: true }>;

export type Refused = Extract<Spent, { admitted: false }>;

export const isAdmitted = (spent: Spent): spent is Admitted => spent.admitted;
export const isRefused = (spent: Spent): spent is Refused => !spent.admitted;

/** Whole seconds a client must wait, at least 1 (a `Retry-After: 0` invites an instant retry). */
export const toSeconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/**
 * Refuses with the longest of the waits (ms) when there is any: one spent budget refuses. The
 * message is the refusal's wording for the client (the default is the sign-in attempts' one);
 * `repeated` as RateLimitedError has it.
 */
export function refuseIfAny(waitsMs: number[], message?: string, repeated = false): void {
  if (waitsMs.length > 0) {
    throw new RateLimitedError(toSeconds(Math.max(...waitsMs)), message, repeated);
  }
}

/** Keys this instance saw refused, kept at most this many (the oldest forgotten first). */
export const MAX_REFUSED_KEYS = 10_000;

/**
 * The keys the store refused on this instance, each until the store said it would admit again.
 * Bounded: a key forgotten is only spent again (a write) at its next attempt.
 */
class RefusedKeys {
  readonly #until = new Map<string, number>();

  /** Notes the key refused until `untilMs`; whether it was refused already (a repeat). */
  note(key: string, untilMs: number, now: number): boolean {
    const again = this.has(key, now);
    this.#until.delete(key);
    if (this.#until.size >= MAX_REFUSED_KEYS) {
      const oldest = this.#until.keys().next();
      if (!oldest.done) this.#until.delete(oldest.value);
    }
    this.#until.set(key, untilMs);
    return again;
  }

  has(key: string, now: number): boolean {
    const until = this.#until.get(key);
    if (until === undefined) return false;
    if (now < until) return true;
    this.#until.delete(key);
    return false;
  }

  drop(key: string): void {
    this.#until.delete(key);
  }
}

export interface Budgets {
  /**
   * Spends one point. Atomic per key in every store (the count is incremented and read in one
   * step), so of N concurrent spends against a budget of P, at most P are admitted. A refused
   * spend still counts in the store; it ends with the window like every other point.
   */
  spend(charge: Charge): Promise<Spent>;
  /**
   * Returns a point `spend` admitted. Not once its window has ended: the point expired with it,
   * and giving it back would credit the next window instead.
   */
  giveBack(spent: Admitted): Promise<void>;
  /**
   * Spends one point from each, together; refuses with the longest wait if any is over, in the
   * words of `message` when given.
   */
  spendAll(charges: Charge[], message?: string): Promise<void>;
  read(charge: Charge): Promise<RateLimiterRes | null>;
  /**
   * For a key this instance saw the store refuse: the store's reading while the key is
   * still over its points, else null (also for any other key, without asking the store). A read
   * where `spend` writes: a flood at a key already refused costs the store no commit per
   * attempt, and a key an operator unlocked, or that a success gave points back to, is seen at
   * once.
   */
  recheck(charge: Charge): Promise<RateLimiterRes | null>;
  /** Deletes the key: its count starts afresh. */
  reset(charge: Charge): Promise<void>;
  /** Holds the key over its limit for `seconds` from now, whatever its count was. */
  lock(charge: Charge, seconds: number): Promise<void>;
}

export function createBudgets(store: OpenStore): Budgets {
  const refused = new RefusedKeys();
  // The store's own key: the counter's prefix (its name) and the key.
  const keyOf = ({ counter, key }: Charge) => `${counter.keyPrefix}:${key}`;

  async function spend(charge: Charge): Promise<Spent> {
    try {
      const res = await store.run(charge.counter, (limiter) => limiter.consume(charge.key));
      return { charge, admitted: true, res, windowEndsAt: Date.now() + res.msBeforeNext };
    } catch (error) {
      if (error instanceof RateLimiterRes) {
        // Noted and read in one synchronous step: of a wave of attempts refused together, only
        // the first is not a repeat (one audit row per refusal on this server).
        const now = Date.now();
        const again = refused.note(keyOf(charge), now + error.msBeforeNext, now);
        return { charge, admitted: false, res: error, again };
      }
      throw error;
    }
  }

  async function recheck(charge: Charge): Promise<RateLimiterRes | null> {
    const key = keyOf(charge);
    if (!refused.has(key, Date.now())) return null;
    const res = await store.run(charge.counter, (limiter) => limiter.get(charge.key));
    if (res !== null && res.consumedPoints > charge.counter.points) return res;
    refused.drop(key);
    return null;
  }

  return {
    spend,
    recheck,
    async giveBack(spent) {
      if (Date.now() >= spent.windowEndsAt) return;
      const { counter, key } = spent.charge;
      await store.run(counter, (limiter) => limiter.reward(key));
    },
    async spendAll(charges, message) {
      const again = (await Promise.all(charges.map(recheck))).filter((res) => res !== null);
      refuseIfAny(
        again.map((res) => res.msBeforeNext),
        message,
        true,
      );
      const over = (await Promise.all(charges.map(spend))).filter(isRefused);
      refuseIfAny(
        over.map((spent) => spent.res.msBeforeNext),
        message,
        over.every((spent) => spent.again),
      );
    },
    read: ({ counter, key }) => store.run(counter, (limiter) => limiter.get(key)),
    async reset(charge) {
      await store.run(charge.counter, (limiter) => limiter.delete(charge.key));
      refused.drop(keyOf(charge));
    },
    // Not noted as refused: the first attempt the lock refuses is spent, and recorded.
    async lock({ counter, key }, seconds) {
      await store.run(counter, (limiter) => limiter.block(key, seconds));
    },
  };
}
