// The test database behind a proxy a test can freeze, hold or make lose answers, for the API's
// connections: what a network or a stalled database does to a server, and nothing else.
import { createPrismaClient, type PrismaClient, poolOf } from "@kit/db";
import { type FreezableProxy, startFreezableProxy } from "@kit/db/testing";
import { inject } from "vitest";
import {
  type InProcessOptions,
  type InProcessServer,
  startInProcessServer,
} from "./in-process-server";

/**
 * The proxy and a Prisma client through it, with the shortest DATABASE_TIMEOUT (1 s: the server
 * gives up on a statement 2 s after sending it), connected as on a server (Prisma's adapter then
 * takes the pool's errors, a connection given up on). `cleanups` gets what closes both.
 *
 * @example
 * const { proxy, prisma } = await databaseThroughProxy(cleanups);
 * const api = await startInProcessServer({ pool: poolOf(prisma), prisma });
 */
export async function databaseThroughProxy(
  cleanups: (() => Promise<unknown>)[],
): Promise<{ proxy: FreezableProxy; prisma: PrismaClient }> {
  const proxy = await startFreezableProxy(inject("databaseUrl"));
  cleanups.push(() => proxy.close());
  const prisma = createPrismaClient(proxy.url, { timeoutMs: 1000 });
  cleanups.push(() => prisma.$disconnect());
  await prisma.$connect();
  return { proxy, prisma };
}

/**
 * An in-process server whose every connection (Prisma's and its pool's) goes through the proxy,
 * so it learns the database answers again as a server would; `cleanups` gets what closes it all.
 *
 * @example
 * const { proxy, api } = await serverThroughProxy(cleanups, { refreshReuseGrace: 2 });
 * proxy.loseAnswers();
 */
export async function serverThroughProxy(
  cleanups: (() => Promise<unknown>)[],
  options: InProcessOptions = {},
): Promise<{ proxy: FreezableProxy; api: InProcessServer }> {
  const { proxy, prisma } = await databaseThroughProxy(cleanups);
  const api = await startInProcessServer({ ...options, pool: poolOf(prisma), prisma });
  cleanups.push(() => api.close());
  return { proxy, api };
}
