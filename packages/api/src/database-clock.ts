// Where the database's clock stands against this process's, read from the answers of statements
// already being sent (no round trip of its own): what the refresh swap needs to know whether it
// runs too late, when the server that sent it has given up on it; and the one clock that the
// servers sharing a database agree on for the instants of rotation (see rotationNow).
import { type PrismaClient, poolOf, type SqlPool } from "@kit/db";
import type { AppDeps } from "./deps";

/** A reading is kept only from an answer this quick: the database's instant lies within it. */
const MAX_READING_ROUND_TRIP_MS = 200;

export class DatabaseClock {
  private offsetMs: number | undefined;

  /**
   * A reading: `databaseMs`, the database's clock during a statement sent at `sentAt` and
   * answered at `answeredAt` (this process's `Date.now()`). Error: half the round trip at most.
   */
  observe(
    databaseMs: number,
    sentAt: number,
    answeredAt: number,
    maxRoundTripMs = MAX_READING_ROUND_TRIP_MS,
  ): void {
    if (answeredAt - sentAt > maxRoundTripMs || !Number.isFinite(databaseMs)) return;
    this.offsetMs = databaseMs - (sentAt + answeredAt) / 2;
  }

  /** How far the database's clock is ahead of this process's (ms; negative: behind). */
  get offset(): number | undefined {
    return this.offsetMs;
  }

  /** `at` (this process's clock) on the database's, or undefined before any reading. */
  toDatabase(at: number): number | undefined {
    return this.offsetMs === undefined ? undefined : at + this.offsetMs;
  }
}

// Each pool's reading of its database's clock, kept from the swaps' own answers.
const clocks = new WeakMap<SqlPool, DatabaseClock>();

/** The clock readings of `pool`'s database (one per pool, made on first use). */
export function databaseClockOf(pool: SqlPool): DatabaseClock {
  let clock = clocks.get(pool);
  if (!clock) {
    clock = new DatabaseClock();
    clocks.set(pool, clock);
  }
  return clock;
}

/**
 * `deps.now()` on the database's clock, once a swap has read it (this process's before). A
 * rotation's instant is stored (`rotated_at`, `retired_at`, the token's `iat`) and judged by
 * whichever server the next refresh reaches: on their own clocks, one running s seconds ahead
 * of the one that rotated would honour only grace − s seconds of the window, and call a second
 * tab's refresh reuse. On the database's, servers agree to within the reading's error (half a
 * round trip of at most 200 ms).
 */
export function rotationNow(deps: Pick<AppDeps, "now" | "pool">): number {
  const now = deps.now();
  const onDatabase = clocks.get(deps.pool)?.toDatabase(now);
  // Whole milliseconds, as deps.now() gives them (the swap binds them as int8).
  return onDatabase === undefined ? now : Math.round(onDatabase);
}

/**
 * Reads the database's clock once (one short statement) unless a reading exists: for a server
 * at start-up, before its first swap, and for a command that judges what is over (pruning).
 * Through Prisma, whose adapter takes the errors of the pool's idle connections (a connection
 * the database ends): a statement of our own on the pool before Prisma's first would leave its
 * connection in the pool with nobody listening, and its end would crash the process.
 */
export async function readDatabaseClock(prisma: PrismaClient): Promise<void> {
  const clock = databaseClockOf(poolOf(prisma));
  // A reading counts only from a quick answer (the first also opens a connection): a few tries,
  // the last taken even if slow (within a second either way; the swaps' answers refine it).
  for (let tries = 0; tries < 3 && clock.toDatabase(0) === undefined; tries += 1) {
    const sentAt = Date.now();
    const rows = await prisma.$queryRaw<{ ms: number }[]>`
      SELECT extract(epoch FROM clock_timestamp())::float8 * 1000 AS ms`;
    clock.observe(Number(rows[0]?.ms), sentAt, Date.now(), tries === 2 ? 2000 : undefined);
  }
}

/** Past this, start-up warns that this machine's clock and the database's disagree. */
export const CLOCK_WARNING_MS = 5000;

/**
 * The start-up warning for a clock `offsetMs` away from the database's (see DatabaseClock),
 * or null within CLOCK_WARNING_MS: rotation and pruning follow the database's clock, but the
 * tokens' times, lock-outs and the rate limiter's windows still run on this machine's.
 */
export function clockWarning(offsetMs: number | undefined): string | null {
  if (offsetMs === undefined || Math.abs(offsetMs) <= CLOCK_WARNING_MS) return null;
  const seconds = Math.round(Math.abs(offsetMs) / 1000);
  const side = offsetMs > 0 ? "behind" : "ahead of";
  return `[auth] warning: this machine's clock is ${seconds} s ${side} the database's. Refresh rotation and pruning follow the database's clock, but token lifetimes, lock-outs and the rate limiter run on this one: synchronise it (NTP)`;
}
