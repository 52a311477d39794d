// Store outages: the in-memory stand-in that takes over while the shared store errors, and the
// one log line that says so (and one when the store answers again), never one per request.
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";

export class OutageTracker {
  #down = false;
  #fallbacks = 0;

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
    // No key in the line: keys hold hashed emails and client addresses, and the log needs neither.
    this.log(
      `[rate-limit] ${this.storeName} store failing: limits are held in this instance's memory until it answers again`,
    );
  }

  /**
   * Runs one limiter call; if no stand-in answered anything while it ran, the store did, so an
   * outage (if any) is over. A limit being exceeded (RateLimiterRes) is the store answering.
   */
  async watch<T>(call: () => Promise<T>): Promise<T> {
    const before = this.#fallbacks;
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
  constructor(
    options: { keyPrefix: string; points: number; duration: number },
    private readonly tracker: OutageTracker,
  ) {
    super(options);
  }

  override consume(...args: Parameters<RateLimiterMemory["consume"]>) {
    this.tracker.fellBack();
    return super.consume(...args);
  }

  override get(...args: Parameters<RateLimiterMemory["get"]>) {
    this.tracker.fellBack();
    return super.get(...args);
  }

  override block(...args: Parameters<RateLimiterMemory["block"]>) {
    this.tracker.fellBack();
    return super.block(...args);
  }

  override delete(...args: Parameters<RateLimiterMemory["delete"]>) {
    this.tracker.fellBack();
    return super.delete(...args);
  }

  override reward(...args: Parameters<RateLimiterMemory["reward"]>) {
    this.tracker.fellBack();
    return super.reward(...args);
  }

  override penalty(...args: Parameters<RateLimiterMemory["penalty"]>) {
    this.tracker.fellBack();
    return super.penalty(...args);
  }

  override set(...args: Parameters<RateLimiterMemory["set"]>) {
    this.tracker.fellBack();
    return super.set(...args);
  }
}
