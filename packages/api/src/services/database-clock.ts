// Where the database's clock stands against this process's, read from the answers of statements
// already being sent (no round trip of its own): what the refresh swap needs to know whether it
// runs too late, when the server that sent it has given up on it.

/** A reading is kept only from an answer this quick: the database's instant lies within it. */
const MAX_READING_ROUND_TRIP_MS = 200;

export class DatabaseClock {
  private offsetMs: number | undefined;

  /**
   * A reading: `databaseMs`, the database's clock during a statement sent at `sentAt` and
   * answered at `answeredAt` (this process's `Date.now()`). Error: half the round trip at most.
   */
  observe(databaseMs: number, sentAt: number, answeredAt: number): void {
    if (answeredAt - sentAt > MAX_READING_ROUND_TRIP_MS || !Number.isFinite(databaseMs)) return;
    this.offsetMs = databaseMs - (sentAt + answeredAt) / 2;
  }

  /** `at` (this process's clock) on the database's, or undefined before any reading. */
  toDatabase(at: number): number | undefined {
    return this.offsetMs === undefined ? undefined : at + this.offsetMs;
  }
}
