// A budget decided in this process and reconciled with the shared store in the background, for
// the one budget that is spent on every call of a hot path (`auth.refresh`): a store round trip
// per refresh was about a quarter of its cost (see PERFORMANCE.md).
import { type RateLimiterAbstract, RateLimiterRes } from "rate-limiter-flexible";
import { assertWholeAtLeastOne } from "../whole-number";
import { refuseIfAny } from "./budget";
import type { CounterSpec, OpenStore } from "./store";

/** What this instance knows of one key: the store's count at the last sync, and its own since. */
interface Tally {
  /** Points the store had counted at the last sync (every instance's). */
  shared: number;
  /** Points this instance admitted since, not yet sent. */
  unsent: number;
  /** Points sent and not yet answered for: still spent, until the store's count includes them. */
  sending: number;
  /** When the key's window ends, as the store said at the last sync (estimated before any). */
  windowEndsAt: number;
  /** Refused in this window already: later refusals are repeats (RateLimitedError.repeated). */
  refused: boolean;
}

/** A spend this counter refused: the wait in ms, and whether it refused this key before. */
export interface SyncedRefusal {
  waitMs: number;
  again: boolean;
}

export interface SyncedCounterOptions {
  /** How often the points admitted here are sent to the store, in ms. */
  syncMs: number;
  /** Keys remembered before synced ones are forgotten (see SyncedCounter); default 20 000. */
  maxKeys?: number;
  now?: () => number;
}

/**
 * About 5 MB (a key and its tally take ~260 bytes, measured with IPv6 /64 keys). Forgetting a
 * synced key below its budget costs nothing but that key's precision for one sync interval.
 */
export const DEFAULT_MAX_KEYS = 20_000;

/**
 * One budget (`points` per `duration` seconds per key) whose spends are decided from memory:
 * the store's count as of the last sync plus what this instance admitted since. Every
 * `syncMs` the points admitted per key are sent in one `consume(key, n)`, whose answer brings
 * every other instance's spends in. One instance alone is exact; across instances the budget
 * holds to within what each admits in one sync interval. Kept out of login and register, whose
 * budgets guard passwords and sign-ups and are counted in the store on every attempt.
 *
 * Memory is bounded by `maxKeys`: a client rotating addresses (IPv6 /64s) makes a key each. Past
 * it, keys whose points are all in the store and still under the budget are forgotten, oldest
 * first; such a key starts again from zero here and learns the store's count at its next sync,
 * so forgetting it admits no more than one sync interval's drift, as another instance would.
 * Keys over the budget, and keys with points not yet sent, are kept until their window ends.
 */
export class SyncedCounter {
  readonly #tallies = new Map<string, Tally>();
  readonly #now: () => number;
  readonly #maxKeys: number;
  readonly #timer: NodeJS.Timeout;
  #syncing: Promise<void> | null = null;

  constructor(
    private readonly spec: CounterSpec,
    private readonly shared: RateLimiterAbstract,
    private readonly run: OpenStore["run"],
    options: SyncedCounterOptions,
  ) {
    assertWholeAtLeastOne("syncMs", options.syncMs);
    this.#maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
    assertWholeAtLeastOne("maxKeys", this.#maxKeys);
    this.#now = options.now ?? Date.now;
    this.#timer = setInterval(() => void this.sync(), options.syncMs);
    // A pending sync must not keep a finished process alive; close() sends what is left.
    this.#timer.unref();
  }

  /** Spends one point for `key`; the wait in ms when the budget is spent, else null. */
  spend(key: string): number | null {
    return this.trySpend(key)?.waitMs ?? null;
  }

  /** Spends one point for `key`; the refusal when the budget is spent, else null. */
  trySpend(key: string): SyncedRefusal | null {
    const now = this.#now();
    let tally = this.#tallies.get(key);
    if (!tally) {
      if (this.#tallies.size >= this.#maxKeys) this.#forgetSynced();
      tally = { shared: 0, unsent: 0, sending: 0, windowEndsAt: 0, refused: false };
      this.#tallies.set(key, tally);
    }
    if (now >= tally.windowEndsAt) {
      // A new window, as the store will start one at the next point it counts.
      tally.shared = 0;
      tally.windowEndsAt = now + this.spec.duration * 1000;
      tally.refused = false;
    }
    if (tally.shared + tally.sending + tally.unsent >= this.spec.points) {
      const again = tally.refused;
      tally.refused = true;
      return { waitMs: tally.windowEndsAt - now, again };
    }
    tally.refused = false;
    tally.unsent += 1;
    return null;
  }

  /** Keys remembered now. */
  get size(): number {
    return this.#tallies.size;
  }

  /**
   * Forgets up to a tenth of `maxKeys` keys whose points are all in the store and under the
   * budget, oldest first (a batch, so that a stream of new keys does not scan on every spend).
   */
  #forgetSynced(): void {
    let toForget = Math.max(1, Math.floor(this.#maxKeys / 10));
    for (const [key, tally] of this.#tallies) {
      if (tally.unsent > 0 || tally.sending > 0 || tally.shared >= this.spec.points) continue;
      this.#tallies.delete(key);
      toForget -= 1;
      if (toForget === 0) return;
    }
  }

  /** Sends the points admitted since the last sync, one call per key; one sync at a time. */
  sync(): Promise<void> {
    this.#syncing ??= this.#send().finally(() => {
      this.#syncing = null;
    });
    return this.#syncing;
  }

  /** Stops the timer and sends what is left. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#syncing;
    await this.sync();
  }

  // Runs alone (see sync), so no consume is in flight while spent keys are forgotten here.
  async #send(): Promise<void> {
    const now = this.#now();
    const sends: Promise<void>[] = [];
    for (const [key, tally] of this.#tallies) {
      if (tally.unsent === 0) {
        if (now >= tally.windowEndsAt) this.#tallies.delete(key);
        continue;
      }
      const points = tally.unsent;
      tally.unsent = 0;
      tally.sending = points;
      sends.push(this.#consume(key, tally, points));
    }
    await Promise.all(sends);
  }

  async #consume(key: string, tally: Tally, points: number): Promise<void> {
    let res: RateLimiterRes;
    try {
      res = await this.run(this.shared, (limiter) => limiter.consume(key, points));
    } catch (error) {
      tally.sending = 0;
      // Over the budget: the store still counted the points, and says so.
      if (!(error instanceof RateLimiterRes)) {
        // Not taken (the store's stand-in normally answers for it): send them with the next sync.
        tally.unsent += points;
        return;
      }
      res = error;
    }
    tally.sending = 0;
    // The store's count now includes these points and every other instance's spends.
    tally.shared = res.consumedPoints;
    tally.windowEndsAt = this.#now() + res.msBeforeNext;
  }
}

/**
 * Spends one point from each counter for its key; refuses with the longest wait if any is over,
 * as a repeat when each counter that refused had refused its key before in this window.
 */
export function spendSynced(charges: { counter: SyncedCounter; key: string }[]): void {
  const refusals = charges
    .map(({ counter, key }) => counter.trySpend(key))
    .filter((refusal) => refusal !== null);
  refuseIfAny(
    refusals.map((refusal) => refusal.waitMs),
    undefined,
    refusals.every((refusal) => refusal.again),
  );
}
