import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createPrismaClient, type PrismaClient } from "@kit/db";
import { provisionTestDatabase, startSilentServer } from "@kit/db/testing";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { loadEnv } from "./env";
import { createLogger } from "./logger";
import { startRuntime } from "./runtime";

// A database of its own: the runtime's pruning deletes every over session in it.
let database: { url: string; dispose(): Promise<void> };
let prisma: PrismaClient;
let dataDir: string;
beforeAll(async () => {
  database = await provisionTestDatabase({ serverUrl: inject("databaseUrl") });
  prisma = createPrismaClient(database.url);
  dataDir = await mkdtemp(path.join(tmpdir(), "kit-runtime-"));
});
afterAll(async () => {
  await prisma?.$disconnect();
  await database?.dispose();
  await rm(dataDir, { recursive: true, force: true });
});

const DAY = 24 * 3600_000;
const oldEvent = () =>
  prisma.authEvent.create({
    data: { type: "login_failed", createdAt: new Date(Date.now() - 2 * DAY) },
  });
const exists = async (id: bigint) => (await prisma.authEvent.count({ where: { id } })) === 1;

describe("startRuntime", () => {
  it("prunes on a timer from start-up, with AUTH_AUDIT_RETENTION, and stops at close()", async () => {
    const env = loadEnv({
      NODE_ENV: "test",
      DATABASE_URL: database.url,
      DATA_DIR: dataDir,
      AUTH_SECRET: "runtime-test-0123456789-abcdefghijklmnopqrstuvwxyz",
      AUTH_AUDIT_RETENTION: "1d",
    });
    const before = await oldEvent();
    const recent = await prisma.authEvent.create({ data: { type: "login_failed" } });
    const lines: Record<string, unknown>[] = [];
    const runtime = await startRuntime(env, {
      log: () => {},
      logger: createLogger({ write: (line: string) => lines.push(JSON.parse(line)) }),
      prune: { firstAfterMs: 0, everyMs: 50 },
    });
    let closed = false;
    try {
      const deadline = Date.now() + 10_000;
      while (await exists(before.id)) {
        if (Date.now() > deadline) throw new Error("the runtime did not prune");
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(await exists(recent.id)).toBe(true);
      // The line is written once the run's last batch is done, a moment after the row went.
      await vi.waitFor(
        () =>
          expect(lines).toContainEqual(
            expect.objectContaining({
              msg: "pruned expired rows",
              pruned: { events: 1, sessions: 0, rateLimits: 0 },
            }),
          ),
        { timeout: 15_000 },
      );
      await runtime.close();
      closed = true;
      // Stopped with the runtime: an old row written after close() stays.
      const after = await oldEvent();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await exists(after.id)).toBe(true);
    } finally {
      if (!closed) await runtime.close();
    }
  });
});

describe("startRuntime beyond loopback", () => {
  it("ends the demo accounts' sessions, which may not sign in there, and no one else's", async () => {
    const session = (userId: string) => {
      const later = new Date(Date.now() + DAY);
      return prisma.session.create({
        data: { userId, refreshJti: randomUUID(), expiresAt: later, absoluteExpiresAt: later },
        select: { id: true },
      });
    };
    const account = (email: string) =>
      prisma.user.create({ data: { email, passwordHash: "x" }, select: { id: true } });
    const demo = await account("admin@example.com");
    const other = await account(`someone-${randomUUID()}@example.com`);
    const [demoSession, otherSession] = [await session(demo.id), await session(other.id)];
    const env = loadEnv({
      NODE_ENV: "test",
      DATABASE_URL: database.url,
      DATA_DIR: dataDir,
      HOST: "0.0.0.0",
      AUTH_SECRET: "runtime-test-0123456789-abcdefghijklmnopqrstuvwxyz",
    });
    const lines: string[] = [];
    const runtime = await startRuntime(env, { log: (line) => lines.push(line) });
    try {
      const reasons = await prisma.session.findMany({
        where: { id: { in: [demoSession.id, otherSession.id] } },
        select: { id: true, revokedReason: true },
        orderBy: { createdAt: "asc" },
      });
      expect(reasons).toEqual([
        { id: demoSession.id, revokedReason: "demo_refused" },
        { id: otherSession.id, revokedReason: null },
      ]);
      // In the audit trail too, with the ending: one row for the one session.
      const events = await prisma.authEvent.findMany({
        where: { sessionId: { in: [demoSession.id, otherSession.id] } },
        select: { type: true, userId: true, sessionId: true },
      });
      expect(events).toEqual([
        { type: "demo_session_ended", userId: demo.id, sessionId: demoSession.id },
      ]);
      expect(lines).toContain(
        "[db] demo user refused: this server listens on 0.0.0.0, beyond loopback (DEMO_USER=on allows it); 1 of its sessions ended",
      );
    } finally {
      await runtime.close();
    }
  });
});

describe("startRuntime with token lifetimes out of order", () => {
  it("warns as `pnpm auth check` fails, and starts; in order, says nothing of them", async () => {
    const started = async (lifetimes: Record<string, string>) => {
      const lines: string[] = [];
      const env = loadEnv({
        NODE_ENV: "test",
        DATABASE_URL: database.url,
        DATA_DIR: dataDir,
        AUTH_SECRET: "runtime-test-0123456789-abcdefghijklmnopqrstuvwxyz",
        ...lifetimes,
      });
      const runtime = await startRuntime(env, { log: (line) => lines.push(line) });
      await runtime.close();
      return lines.filter((line) => line.includes("TOKEN_TTL"));
    };
    expect(await started({ AUTH_ACCESS_TOKEN_TTL: "8d", AUTH_SESSION_MAX_AGE: "1d" })).toEqual([
      "[auth] warning: AUTH_ACCESS_TOKEN_TTL (691200s) must be shorter than AUTH_REFRESH_TOKEN_TTL (604800s)",
      "[auth] warning: AUTH_REFRESH_TOKEN_TTL (604800s) must not be longer than AUTH_SESSION_MAX_AGE (86400s)",
    ]);
    expect(await started({})).toEqual([]);
  });
});

describe("startRuntime on a database that accepts but never answers", () => {
  it("fails with DATABASE_UNREACHABLE within DATABASE_TIMEOUT instead of hanging", async () => {
    const silent = await startSilentServer();
    try {
      const env = loadEnv({
        NODE_ENV: "test",
        DATABASE_URL: silent.url,
        DATA_DIR: dataDir,
        AUTH_SECRET: "runtime-test-0123456789-abcdefghijklmnopqrstuvwxyz",
        DATABASE_TIMEOUT: "1s",
      });
      const started = performance.now();
      const error = await startRuntime(env, { log: () => {} }).then(
        () => undefined,
        (err: unknown) => err as { code?: string; message: string },
      );
      expect(error?.code).toBe("DATABASE_UNREACHABLE");
      expect(error?.message).toMatch(/did not answer within 1000 ms \(DATABASE_TIMEOUT\)/);
      expect(error?.message).not.toContain("s3cret-pw");
      // Generous: only proves it did not hang.
      expect(performance.now() - started).toBeLessThan(20_000);
    } finally {
      await silent.close();
    }
  }, 30_000);
});
