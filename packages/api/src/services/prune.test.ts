import { randomUUID } from "node:crypto";
import { createPrismaClient, type PrismaClient } from "@kit/db";
import { provisionTestDatabase } from "@kit/db/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { pruneExpired } from "./prune";

// A database of its own: pruning deletes every over session in it, other files' included.
let database: { url: string; dispose(): Promise<void> };
let prisma: PrismaClient;
beforeAll(async () => {
  database = await provisionTestDatabase({ serverUrl: inject("databaseUrl") });
  prisma = createPrismaClient(database.url);
});
afterAll(async () => {
  await prisma?.$disconnect();
  await database?.dispose();
});
beforeEach(async () => {
  await prisma.authEvent.deleteMany();
  await prisma.session.deleteMany();
  await prisma.rateLimit.deleteMany();
  await prisma.user.deleteMany();
});

// A frozen clock: every time below is relative to it.
const NOW = Date.parse("2027-03-01T12:00:00Z");
const HOUR = 3600_000;
const DAY = 24 * HOUR;
const RETENTION = 90 * DAY;
const at = (offsetMs: number) => new Date(NOW + offsetMs);

async function user() {
  return prisma.user.create({
    data: { email: `${randomUUID()}@example.com`, passwordHash: "not-a-real-hash" },
  });
}

async function event(userId: string, ageMs: number) {
  const row = await prisma.authEvent.create({
    data: { type: "login_succeeded", userId, createdAt: at(-ageMs) },
  });
  return row.id;
}

async function session(
  userId: string,
  times: { expiresIn: number; capIn: number; revoked?: boolean },
) {
  const row = await prisma.session.create({
    data: {
      userId,
      refreshJti: randomUUID(),
      createdAt: at(-DAY),
      expiresAt: at(times.expiresIn),
      absoluteExpiresAt: at(times.capIn),
      revokedAt: times.revoked ? at(-HOUR) : null,
      revokedReason: times.revoked ? "logout" : null,
    },
  });
  return row.id;
}

const remainingEvents = async () =>
  (await prisma.authEvent.findMany({ select: { id: true }, orderBy: { id: "asc" } })).map(
    (row) => row.id,
  );
const remainingSessions = async () =>
  (await prisma.session.findMany({ select: { id: true } })).map((row) => row.id).sort();

describe("pruneExpired", () => {
  it("deletes audit events older than the retention and keeps newer ones", async () => {
    const { id } = await user();
    for (let i = 0; i < 5; i += 1) await event(id, RETENTION + DAY + i);
    const justInside = await event(id, RETENTION);
    const recent = await event(id, HOUR);
    // Batches of 2: the five old rows take three statements.
    const counts = await pruneExpired(prisma, {
      now: NOW,
      eventRetentionMs: RETENTION,
      batchSize: 2,
    });
    expect(counts.events).toBe(5);
    expect(await remainingEvents()).toEqual([justInside, recent]);
  });

  it("keeps every event when the retention is 0", async () => {
    const { id } = await user();
    const ancient = await event(id, 10 * 365 * DAY);
    const counts = await pruneExpired(prisma, { now: NOW, eventRetentionMs: 0 });
    expect(counts.events).toBe(0);
    expect(await remainingEvents()).toEqual([ancient]);
  });

  it("deletes sessions that are over and never a live one", async () => {
    const { id } = await user();
    const live = await session(id, { expiresIn: HOUR, capIn: DAY });
    const liveByOneMs = await session(id, { expiresIn: 1, capIn: 1 });
    await session(id, { expiresIn: HOUR, capIn: DAY, revoked: true });
    await session(id, { expiresIn: 0, capIn: DAY }); // refresh token expired (idle)
    await session(id, { expiresIn: -DAY, capIn: DAY });
    await session(id, { expiresIn: HOUR, capIn: 0 }); // past the absolute cap
    const counts = await pruneExpired(prisma, {
      now: NOW,
      eventRetentionMs: RETENTION,
      batchSize: 3,
    });
    expect(counts.sessions).toBe(4);
    expect(await remainingSessions()).toEqual([live, liveByOneMs].sort());
  });

  it("deletes rate-limit rows expired over an hour ago, keeps the rest", async () => {
    const expire = (offsetMs: number | null) => (offsetMs === null ? null : BigInt(NOW + offsetMs));
    await prisma.rateLimit.createMany({
      data: [
        { key: "gone:1", points: 3, expire: expire(-2 * HOUR) },
        { key: "gone:2", points: 1, expire: expire(-HOUR - 1) },
        { key: "recent", points: 1, expire: expire(-HOUR + 1000) },
        { key: "running", points: 1, expire: expire(HOUR) },
        { key: "forever", points: 1, expire: expire(null) },
      ],
    });
    const counts = await pruneExpired(prisma, { now: NOW, eventRetentionMs: RETENTION });
    expect(counts.rateLimits).toBe(2);
    const keys = (await prisma.rateLimit.findMany({ select: { key: true } })).map((r) => r.key);
    expect(keys.sort()).toEqual(["forever", "recent", "running"]);
  });

  it("returns zeros when there is nothing to do, and on a second run", async () => {
    const { id } = await user();
    await event(id, RETENTION + DAY);
    await session(id, { expiresIn: -1, capIn: DAY });
    const options = { now: NOW, eventRetentionMs: RETENTION };
    expect(await pruneExpired(prisma, options)).toEqual({ events: 1, sessions: 1, rateLimits: 0 });
    expect(await pruneExpired(prisma, options)).toEqual({ events: 0, sessions: 0, rateLimits: 0 });
  });

  it("stops between batches once its signal aborts", async () => {
    const { id } = await user();
    for (let i = 0; i < 4; i += 1) await event(id, RETENTION + DAY + i);
    const controller = new AbortController();
    controller.abort();
    const counts = await pruneExpired(prisma, {
      now: NOW,
      eventRetentionMs: RETENTION,
      signal: controller.signal,
    });
    expect(counts).toEqual({ events: 0, sessions: 0, rateLimits: 0 });
    expect(await remainingEvents()).toHaveLength(4);
  });

  it("refuses a bad batch size or retention (a programmer mistake)", async () => {
    for (const bad of [
      { batchSize: 0 },
      { batchSize: 1.5 },
      { eventRetentionMs: -1 },
      { eventRetentionMs: Number.NaN },
    ]) {
      await expect(
        pruneExpired(prisma, { now: NOW, eventRetentionMs: RETENTION, ...bad }),
      ).rejects.toBeInstanceOf(TypeError);
    }
  });
});
