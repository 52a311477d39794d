// A Prisma client that writes down every SQL statement it sends: tests count round trips with it.
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { inUtc, registerPool } from "../client/client";
import { PrismaClient } from "../generated/prisma/client";

export interface LoggedPrismaClient {
  prisma: PrismaClient;
  /** Each statement's text, in the order the pool's connections sent them. */
  statements: string[];
  /** Disconnects Prisma and ends the pool (an adapter given a pool does not end it). */
  close(): Promise<void>;
}

/**
 * Counted at the driver, below Prisma: one entry is one round trip to the server, whatever
 * Prisma made of the call (a transaction's BEGIN and COMMIT count too).
 *
 * @example
 * const { prisma, statements } = createLoggedPrismaClient(url);
 * statements.length = 0; await work(prisma); expect(statements).toHaveLength(1);
 */
export function createLoggedPrismaClient(url: string): LoggedPrismaClient {
  const statements: string[] = [];
  // The zone is set before the pool hands a connection out, and before the 'connect' event
  // below: not a round trip of the work a test measures.
  const pool = new pg.Pool({ connectionString: url, onConnect: inUtc });
  pool.on("connect", (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    // Every query the pool runs goes through one of its clients' query().
    (client as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const first = args[0];
      statements.push(
        typeof first === "string" ? first : String((first as { text?: unknown })?.text),
      );
      return query(...args);
    };
  });
  // Registered as its pool: statements sent through poolOf(prisma) are counted too.
  const prisma = registerPool(new PrismaClient({ adapter: new PrismaPg(pool) }), pool);
  return {
    prisma,
    statements,
    async close() {
      await prisma.$disconnect();
      if (!pool.ended) await pool.end();
    },
  };
}
