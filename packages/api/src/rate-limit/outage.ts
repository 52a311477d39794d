// Store outages: the in-memory stand-in that takes over while the shared store errors, and the
// one log line that says so (and one when the store answers again), never one per request.
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";

/** While the store fails, how long after one call tried it the next may try it again. */
export const PROBE_INTERVAL_MS = 1000;

export class OutageTracker {
  #down = false;
  #fallbacks = 0;
  #probing = false;
  #probeAfter = 0;

  constructor(
    private readonly storeName: string,
    private readonly log: (line: string) => void,
  ) {}

  /** Called by a stand-in whenever it answers for the store. */
  fellBack(): void {
    this.#fallbacks += 1;
    this.failing();
  }

  /** The store is not answering: said once, until a call sees it answer again. */
  failing(): void {
    if (this.#down) return;
    this.#down = true;
    this.#probeAfter = Date.now() + PROBE_INTERVAL_MS;
    // No key in the line: keys hold hashed emails and client addresses, and the log needs neither.
    this.log(
      `[rate-limit] ${this.storeName} store failing: limits are held in this instance's memory until it answers again`,
    );
  }

  /**
   * True when a call should go straight to the stand-in: the store is failing, and another call
   * is finding out whether it answers again, or did less than PROBE_INTERVAL_MS ago. A store that
   * hangs (a frozen process, a dropped network) fails each call only after its 2 s timeout: every
   * call of a login waited that long, while the outage was already known.
   */
  skipStore(): boolean {
    return this.#down && (this.#probing || Date.now() < this.#probeAfter);
  }

  /**
   * Runs one limiter call on the store; if no stand-in answered anything while it ran, the store
   * did, so an outage (if any) is over. A limit being exceeded (RateLimiterRes) is the store
   * answering. During an outage the call is the one that tries the store (see skipStore).
   */
  async watch<T>(call: () => Promise<T>): Promise<T> {
    const before = this.#fallbacks;
    const probe = this.#down;
    if (probe) this.#probing = true;
    const settle = () => {
      if (this.#down && this.#fallbacks === before) {
        this.#down = false;
        this.log(`[rate-limit] ${this.storeName} store answering again: limits are shared again`);
      }
    };
    try {
      const result = await call();
      settle();
      return result;
    } catch (error) {
      if (error instanceof RateLimiterRes) settle();
      throw error;
    } finally {
      if (probe) {
        this.#probing = false;
        this.#probeAfter = Date.now() + PROBE_INTERVAL_MS;
      }
    }
  }
}

/**
 * rate-limiter-flexible's `insuranceLimiter`: same points and window as the store limiter, kept
 * per instance. It reports each use, so the tracker knows an outage began. Every call the store
 * limiter can hand over is covered: one left out would answer silently from memory, and the
 * tracker would take that for the store answering again.
 */
export class StandInLimiter extends RateLimiterMemory {
  #instead = false;

  constructor(
    options: { keyPrefix: string; points: number; duration: number },
    private readonly tracker: OutageTracker,
  ) {
    super(options);
  }

  /**
   * Runs `call` on this stand-in in place of a store known to be failing (skipStore): not
   * reported, since it is no news, and a report would make the call trying the store meanwhile
   * look answered from memory. `call` must call this limiter's method synchronously.
   */
  instead<T>(call: (limiter: this) => Promise<T>): Promise<T> {
    this.#instead = true;
    try {
      return call(this);
    } finally {
      this.#instead = false;
    }
  }

  #fellBack(): void {
    if (!this.#instead) this.tracker.fellBack();
  }

  override consume(...args: Parameters<RateLimiterMemory["consume"]>) {
    this.#fellBack();
    return super.consume(...args);
  }

  override get(...args: Parameters<RateLimiterMemory["get"]>) {
    this.#fellBack();
    return super.get(...args);
  }

  override block(...args: Parameters<RateLimiterMemory["block"]>) {
    this.#fellBack();
    return super.block(...args);
  }

  override delete(...args: Parameters<RateLimiterMemory["delete"]>) {
    this.#fellBack();
    return super.delete(...args);
  }

  override reward(...args: Parameters<RateLimiterMemory["reward"]>) {
    this.#fellBack();
    return super.reward(...args);
  }

  override penalty(...args: Parameters<RateLimiterMemory["penalty"]>) {
    this.#fellBack();
    return super.penalty(...args);
  }

  override set(...args: Parameters<RateLimiterMemory["set"]>) {
    this.#fellBack();
    return super.set(...args);
  }
}
