// A budget decided in this process and reconciled with the shared store in the background, for
// the one budget that is spent on every call of a hot path (`auth.refresh`): a store round trip
// per refresh was about a quarter of its cost (see PERFORMANCE.md).
import { type RateLimiterAbstract, RateLimiterRes } from "rate-limiter-flexible";
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
}

export interface SyncedCounterOptions {
  /** How often the points admitted here are sent to the store, in ms. */
  syncMs: number;
  now?: () => number;
}

/**
 * One budget (`points` per `duration` seconds per key) whose spends are decided from memory:
 * the store's count as of the last sync plus what this instance admitted since. Every
 * `syncMs` the points admitted per key are sent in one `consume(key, n)`, whose answer brings
 * every other instance's spends in. One instance alone is exact; across instances the budget
 * holds to within what each admits in one sync interval. Kept out of login and register, whose
 * budgets guard passwords and sign-ups and are counted in the store on every attempt.
 */
export class SyncedCounter {
  readonly #tallies = new Map<string, Tally>();
  readonly #now: () => number;
  readonly #timer: NodeJS.Timeout;
  #syncing: Promise<void> | null = null;

  constructor(
    private readonly spec: CounterSpec,
    private readonly shared: RateLimiterAbstract,
    private readonly watch: OpenStore["watch"],
    options: SyncedCounterOptions,
  ) {
    if (!Number.isSafeInteger(options.syncMs) || options.syncMs < 1) {
      throw new TypeError(`syncMs must be a whole number of ms, 1 or more (got ${options.syncMs})`);
    }
    this.#now = options.now ?? Date.now;
    this.#timer = setInterval(() => void this.sync(), options.syncMs);
    // A pending sync must not keep a finished process alive; close() sends what is left.
    this.#timer.unref();
  }

  /** Spends one point for `key`; the wait in ms when the budget is spent, else null. */
  spend(key: string): number | null {
    const now = this.#now();
    let tally = this.#tallies.get(key);
    if (!tally) {
      tally = { shared: 0, unsent: 0, sending: 0, windowEndsAt: 0 };
      this.#tallies.set(key, tally);
    }
    if (now >= tally.windowEndsAt) {
      // A new window, as the store will start one at the next point it counts.
      tally.shared = 0;
      tally.windowEndsAt = now + this.spec.duration * 1000;
    }
    if (tally.shared + tally.sending + tally.unsent >= this.spec.points) {
      return tally.windowEndsAt - now;
    }
    tally.unsent += 1;
    return null;
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
      res = await this.watch(() => this.shared.consume(key, points));
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

/** Spends one point from each counter for its key; refuses with the longest wait if any is over. */
export function spendSynced(charges: { counter: SyncedCounter; key: string }[]): void {
  refuseIfAny(
    charges
      .map(({ counter, key }) => counter.spend(key))
      .filter((wait): wait is number => wait !== null),
  );
}
