// Who answers /api/trpc, the health check and the public keys in this server.
import type { ServerEnv } from "@kit/api/env";
import { TRPC_ENDPOINT } from "@kit/api/wire";

/**
 * API_HANDLER when set; unset, this server's own handler in production and Next.js's route
 * handlers under `pnpm dev`: ours is built once at start-up, so an edited procedure would not be
 * answered until a restart, while Next.js recompiles its routes on the next call.
 */
export function apiAnswerer(setting: ServerEnv["apiHandler"], dev: boolean): "server" | "next" {
  return setting ?? (dev ? "next" : "server");
}

const TRPC_PREFIX = `${TRPC_ENDPOINT}/`;

/** The methods a Next.js route handler can export (app/api/trpc exports them all). */
const ROUTE_HANDLER_METHODS = new Set(["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"]);

/**
 * A request for the tRPC endpoint that Next.js fails before its route handler runs, which this
 * server's own handler then answers as it does under API_HANDLER=server: a procedure path that
 * does not decode (Next.js decodes the `[trpc]` segment first and answered a stray `%` with a
 * plain-text 500, no request id, no log line) and a method no route handler can export
 * (PROPFIND…: an empty 400), on any of the API's paths (the caller asks its handler, which
 * takes only those).
 */
export function nextCannotRoute(method: string | undefined, url: string | undefined): boolean {
  // Any path: the API's handler takes only its own (health and the public keys too), and
  // leaves Next.js the rest.
  if (!ROUTE_HANDLER_METHODS.has(method ?? "")) return true;
  if (!url?.startsWith(TRPC_PREFIX)) return false;
  const query = url.indexOf("?");
  try {
    decodeURIComponent(query === -1 ? url : url.slice(0, query));
    return false;
  } catch {
    return true;
  }
}
