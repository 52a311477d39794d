// The Prisma client factory, and the generated client's types re-exported for the other packages.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client";

export type { Role, Session, User } from "../generated/prisma/client";
export { Prisma, PrismaClient } from "../generated/prisma/client";

/** How long a call may wait on the database by default (DATABASE_TIMEOUT). */
export const DEFAULT_DATABASE_TIMEOUT_MS = 5000;

export interface PrismaClientOptions {
  /** Shown as `application_name` in `pg_stat_activity`: which pool a connection belongs to. */
  applicationName?: string;
  /**
   * The longest a query waits for a connection (a free one in the full pool, or a new one to a
   * server that does not answer), and the longest one statement may run on the server. Past it
   * the query fails, and `isDatabaseUnavailable` says so. Default 5000 ms.
   */
  timeoutMs?: number;
}

/**
 * A Prisma client talking to `url` through `pg` (Prisma 7 needs no engine binary at runtime).
 * Call `$disconnect()` when done: the pool keeps the process alive otherwise.
 */
export function createPrismaClient(url: string, options: PrismaClientOptions = {}): PrismaClient {
  const timeoutMs = options.timeoutMs ?? DEFAULT_DATABASE_TIMEOUT_MS;
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1) {
    throw new TypeError(`timeoutMs must be a whole number of ms ≥ 1 (got ${String(timeoutMs)}).`);
  }
  return new PrismaClient({
    // An interactive transaction waits for its connection at most `maxWait` (Prisma's default
    // 2 s), then fails with P2028, a code it also uses for misuse. Waiting a little longer than
    // the pool lets pg's own timeout answer first, which isDatabaseUnavailable recognises.
    transactionOptions: { maxWait: timeoutMs + 1000 },
    adapter: new PrismaPg({
      connectionString: url,
      application_name: options.applicationName,
      // pg's default is to wait forever: for a free connection when the pool is full, and for
      // a server that neither accepts nor refuses. A request must fail instead, and say why.
      connectionTimeoutMillis: timeoutMs,
      // Enforced by the server (57014), so a statement stuck behind a lock ends and its
      // connection comes back clean; a client-side timer would leave the statement running.
      statement_timeout: timeoutMs,
      // A server gone silent (no FIN, no RST) is noticed on idle connections, not never.
      keepAlive: true,
    }),
  });
}
