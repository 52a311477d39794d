// What every procedure needs from the outside world, built once per process and passed in.
import type { TokenService } from "@kit/auth";
import type { PrismaClient } from "@kit/db";

export interface AppDeps {
  prisma: PrismaClient;
  tokens: TokenService;
  /** Milliseconds since the epoch; injected so tests can move time. */
  now: () => number;
  /** Adds stack traces and internal error text to responses: development only. */
  exposeErrors: boolean;
  /** Optional server-side log sink for unexpected errors (never receives tokens or passwords). */
  logError?: (line: string) => void;
}
