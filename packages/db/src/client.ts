// The Prisma client factory, and the generated client's types re-exported for the other packages.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client.ts";

export type { Session, User } from "./generated/prisma/client.ts";
export { Prisma, PrismaClient } from "./generated/prisma/client.ts";

/**
 * A Prisma client talking to `url` through `pg` (Prisma 7 needs no engine binary at runtime).
 * Call `$disconnect()` when done: the pool keeps the process alive otherwise.
 */
export function createPrismaClient(url: string): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
}
