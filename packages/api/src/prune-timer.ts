// The runtime's pruning timer: pruneExpired shortly after start-up, then every hour.
import { isDatabaseUnavailable, loggableDatabaseError, type PrismaClient } from "@kit/db";
import type { Logger } from "./logger";
import { pruneExpired } from "./services/prune";

/** A minute in: start-up work (migrations, the first requests) goes first. */
export const PRUNE_FIRST_AFTER_MS = 60_000;
export const PRUNE_EVERY_MS = 3600_000;

export interface PruneTimerOptions {
  prisma: PrismaClient;
  logger: Logger;
  /** ms since the epoch. */
  now: () => number;
  /** Audit events older than this (ms) are deleted; 0 keeps them forever. */
  eventRetentionMs: number;
  /** Default PRUNE_FIRST_AFTER_MS. */
  firstAfterMs?: number;
  /** From the end of one run to the start of the next; default PRUNE_EVERY_MS. */
  everyMs?: number;
}

export interface PruneTimer {
  /** Cancels the next run and waits for one under way (it stops after its current batch). */
  stop(): Promise<void>;
}

/**
 * Runs pruneExpired on a timer that never keeps the process alive (unref'd). A run that fails
 * logs one line (a warning when the database is unavailable, an error otherwise) and the next run
 * tries again: pruning is housekeeping, never a reason to crash. Runs never overlap: the next one
 * is scheduled when the last has finished.
 */
export function startPruneTimer(options: PruneTimerOptions): PruneTimer {
  const { prisma, logger, now, eventRetentionMs } = options;
  const stopping = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  async function run(): Promise<void> {
    try {
      const counts = await pruneExpired(prisma, {
        now: now(),
        eventRetentionMs,
        signal: stopping.signal,
      });
      if (counts.events + counts.sessions + counts.rateLimits > 0) {
        logger.info({ pruned: counts }, "pruned expired rows");
      }
    } catch (error) {
      if (isDatabaseUnavailable(error)) {
        // An outage, not a fault: said where requests meet it (503s) and by the health check; a
        // warning here, without a stack, as each run meets it.
        const { code, sqlState, message } = loggableDatabaseError(error) ?? {
          message: (error as Error).message,
        };
        logger.warn(
          { database: { code: sqlState ?? code, message } },
          "pruning expired rows skipped: the database is unavailable; the next run will try again",
        );
        return;
      }
      logger.error({ err: error }, "pruning expired rows failed; the next run will try again");
    }
  }

  function schedule(delayMs: number): void {
    timer = setTimeout(() => {
      running = run().finally(() => {
        running = undefined;
        if (!stopping.signal.aborted) schedule(options.everyMs ?? PRUNE_EVERY_MS);
      });
    }, delayMs);
    timer.unref();
  }

  schedule(options.firstAfterMs ?? PRUNE_FIRST_AFTER_MS);
  return {
    async stop() {
      stopping.abort();
      clearTimeout(timer);
      await running;
    },
  };
}
