// Who answers /api/trpc, the health check and the public keys in this server.
import type { ServerEnv } from "@kit/api/env";

/**
 * API_HANDLER when set; unset, this server's own handler in production and Next.js's route
 * handlers under `pnpm dev`: ours is built once at start-up, so an edited procedure would not be
 * answered until a restart, while Next.js recompiles its routes on the next call.
 */
export function apiAnswerer(setting: ServerEnv["apiHandler"], dev: boolean): "server" | "next" {
  return setting ?? (dev ? "next" : "server");
}
