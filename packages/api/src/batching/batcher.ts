// Group commit for one kind of statement: calls that arrive while earlier ones are in flight run
// together, so a busy server sends one statement (one round trip, one commit) for many calls.
import { assertWholeAtLeastOne } from "../whole-number";

export interface BatcherOptions<Req, Res> {
  /** Runs a batch: one result per request, in the batch's order. */
  run: (batch: readonly Req[]) => Promise<readonly Res[]>;
  /**
   * Requests with one key never share a batch, nor run in two batches at once: a later one
   * waits until the batch holding its key has finished.
   */
  keyOf: (request: Req) => string;
  /** At most this many requests in one batch. */
  maxBatch: number;
  /** At most this many batches running at once; the others wait, and grow. */
  maxInFlight: number;
  /**
   * True for a batch's failure that may be one request's own (bad data, a lock held elsewhere):
   * the batch's requests are then run again one by one, outside the batch slots, so each gets
   * its own result or error and one request never fails or holds up the others. Other failures
   * (the database gone) go to every request.
   */
  retryAlone?: (error: unknown) => boolean;
  /**
   * A request that waited longer than `afterMs` for its batch (behind others of its key, each
   * waiting out a database that does not answer) is not run: it fails with `error()`. Its
   * caller's time is spent; running it would only make it wait once more.
   */
  tooLate?: { afterMs: number; error: () => unknown };
}

interface Pending<Req, Res> {
  request: Req;
  key: string;
  /** performance.now() when submitted. */
  since: number;
  resolve: (result: Res) => void;
  reject: (error: unknown) => void;
}

/**
 * Submitted requests wait at most until the end of the event loop's current turn: when fewer
 * than `maxInFlight` batches are running, everything that arrived in that turn leaves as one
 * batch. A lone request on an idle server therefore waits for nothing, and under load a batch
 * holds what arrived while the previous ones ran.
 */
export class Batcher<Req, Res> {
  readonly #options: BatcherOptions<Req, Res>;
  #queue: Pending<Req, Res>[] = [];
  #inFlight = 0;
  #scheduled = false;
  /** The keys of the requests running, in a batch or alone after one failed. */
  readonly #running = new Set<string>();

  constructor(options: BatcherOptions<Req, Res>) {
    assertWholeAtLeastOne("maxBatch", options.maxBatch);
    assertWholeAtLeastOne("maxInFlight", options.maxInFlight);
    this.#options = options;
  }

  /** Requests waiting for a batch. */
  get waiting(): number {
    return this.#queue.length;
  }

  submit(request: Req): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      const key = this.#options.keyOf(request);
      this.#queue.push({ request, key, since: performance.now(), resolve, reject });
      if (this.#scheduled) return;
      this.#scheduled = true;
      // After this turn's I/O callbacks, so requests parsed together leave together.
      setImmediate(() => {
        this.#scheduled = false;
        this.#dispatch();
      });
    });
  }

  #dispatch(): void {
    while (this.#inFlight < this.#options.maxInFlight && this.#queue.length > 0) {
      const batch = this.#take();
      if (batch.length === 0) return;
      this.#inFlight += 1;
      void this.#settle(batch).finally(() => {
        this.#inFlight -= 1;
        this.#dispatch();
      });
    }
  }

  /**
   * The oldest requests, up to maxBatch, at most one per key and none whose key a running batch
   * holds: requests with one key run one after the other, in the order they came. The rest keep
   * their order.
   */
  #take(): Pending<Req, Res>[] {
    const batch: Pending<Req, Res>[] = [];
    const left: Pending<Req, Res>[] = [];
    const tooLate = this.#options.tooLate;
    const oldest = tooLate ? performance.now() - tooLate.afterMs : Number.NEGATIVE_INFINITY;
    for (const pending of this.#queue) {
      if (tooLate && pending.since < oldest) {
        pending.reject(tooLate.error());
      } else if (batch.length < this.#options.maxBatch && !this.#running.has(pending.key)) {
        this.#running.add(pending.key);
        batch.push(pending);
      } else {
        left.push(pending);
      }
    }
    this.#queue = left;
    return batch;
  }

  /** Runs `batch`, settles each of its requests and frees their keys (alone: see retryAlone). */
  async #settle(batch: Pending<Req, Res>[]): Promise<void> {
    try {
      const results = await this.#runChecked(batch);
      for (const [i, pending] of batch.entries()) pending.resolve(results[i] as Res);
    } catch (error) {
      if (batch.length > 1 && this.#options.retryAlone?.(error)) {
        // Outside the batch slots: one that waits (for a lock, say) holds up no other batch.
        // Each keeps its key until it is done, then lets waiting requests go.
        for (const pending of batch) {
          void this.#settle([pending]).finally(() => this.#dispatch());
        }
        return;
      }
      for (const pending of batch) pending.reject(error);
    }
    for (const pending of batch) this.#running.delete(pending.key);
  }

  async #runChecked(batch: Pending<Req, Res>[]): Promise<readonly Res[]> {
    const results = await this.#options.run(batch.map((pending) => pending.request));
    if (results.length !== batch.length) {
      throw new Error(`A batch of ${batch.length} got ${results.length} results.`);
    }
    return results;
  }
}
