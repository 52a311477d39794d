import { createPrismaClient, type PrismaClient } from "@kit/db";
import { afterEach, describe, expect, inject, it } from "vitest";
import { createLogger } from "./logger";
import { type PruneTimer, startPruneTimer } from "./prune-timer";

const timers: PruneTimer[] = [];
afterEach(async () => {
  await Promise.all(timers.splice(0).map((timer) => timer.stop()));
});

function memoryLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines };
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A timer on `prisma` whose first run is now, then every `everyMs`; its lines. */
function pruneEvery(prisma: PrismaClient, everyMs: number) {
  const { logger, lines } = memoryLogger();
  const timer = startPruneTimer({
    prisma,
    logger,
    now: Date.now,
    eventRetentionMs: 1000,
    firstAfterMs: 0,
    everyMs,
  });
  timers.push(timer);
  return { timer, lines };
}

describe("startPruneTimer", () => {
  it("logs one warning per run the database is unavailable for, keeps going, and stops when told", async () => {
    // Nothing listens on port 1: every run fails to connect.
    const prisma = createPrismaClient("postgresql://kit:kit@127.0.0.1:1/nowhere");
    const { timer, lines } = pruneEvery(prisma, 20);
    await until(() => lines.length >= 3);
    await timer.stop();
    const count = lines.length;
    // An outage: a warning saying so, with no stack (requests answer it with 503s).
    for (const line of lines) {
      expect(line).toMatchObject({ level: 40, msg: expect.stringContaining("unavailable") });
      expect(line.database).toMatchObject({ message: expect.any(String) });
      expect(JSON.stringify(line)).not.toContain("stack");
    }
    // Stopped: no further run.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(lines).toHaveLength(count);
    await prisma.$disconnect();
  });

  it("logs a fault that is not an outage as an error, with the error", async () => {
    // The tables are not on this search path: relation does not exist (42P01), a fault.
    const url = new URL(inject("databaseUrl"));
    url.searchParams.set("options", "-c search_path=no_such_schema");
    const prisma = createPrismaClient(url.toString());
    const { timer, lines } = pruneEvery(prisma, 60_000);
    await until(() => lines.length >= 1);
    expect(lines[0]).toMatchObject({ level: 50, msg: expect.stringContaining("failed") });
    expect(lines[0]?.err).toBeDefined();
    await timer.stop();
    await prisma.$disconnect();
  });

  it("runs nothing before firstAfterMs", async () => {
    const prisma = createPrismaClient("postgresql://kit:kit@127.0.0.1:1/nowhere");
    const { logger, lines } = memoryLogger();
    const timer = startPruneTimer({ prisma, logger, now: Date.now, eventRetentionMs: 0 });
    timers.push(timer);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(lines).toEqual([]);
    await timer.stop();
    await prisma.$disconnect();
  });
});
