// The Prisma client factory, and the generated client's types re-exported for the other packages.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client";

export type { Role, Session, User } from "../generated/prisma/client";
export { Prisma, PrismaClient } from "../generated/prisma/client";

export interface PrismaClientOptions {
  /** Shown as `application_name` in `pg_stat_activity`: which pool a connection belongs to. */
  applicationName?: string;
}

/**
 * A Prisma client talking to `url` through `pg` (Prisma 7 needs no engine binary at runtime).
 * Call `$disconnect()` when done: the pool keeps the process alive otherwise.
 */
export function createPrismaClient(url: string, options: PrismaClientOptions = {}): PrismaClient {
  return new PrismaClient({
    adapter: new PrismaPg({ connectionString: url, application_name: options.applicationName }),
  });
}
