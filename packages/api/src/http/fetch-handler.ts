// The Fetch API handler (Next.js route handlers and any other Request/Response runtime).
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { createContext } from "../context";
import type { AppDeps } from "../deps";
import { appRouter } from "../root";
import { resolveClientIp } from "./client-ip";
import { limitRequestBody, MAX_BATCH_SIZE } from "./limits";
import { reportError } from "./report-error";
import { responseMeta } from "./response-meta";

export const TRPC_ENDPOINT = "/api/trpc";

export interface FetchHandlerOptions {
  /** Resolves once the database is ready; awaited on every request (a settled promise is free). */
  deps: () => Promise<AppDeps>;
  /**
   * The connection's own address, from something the app's server set (never a header: a client
   * can write any header). Absent or null: every request counts as one unknown client.
   */
  socketAddress?: () => string | null;
}

export function createFetchHandler(options: FetchHandlerOptions) {
  return async (request: Request): Promise<Response> => {
    const deps = await options.deps();
    return fetchRequestHandler({
      endpoint: TRPC_ENDPOINT,
      req: limitRequestBody(request),
      router: appRouter,
      maxBatchSize: MAX_BATCH_SIZE,
      createContext: () =>
        createContext(deps, {
          headers: request.headers,
          url: request.url,
          clientIp: resolveClientIp({
            socketAddress: options.socketAddress?.(),
            headers: request.headers,
            trustProxy: deps.trustProxy,
          }),
        }),
      onError: reportError(deps),
      responseMeta,
    });
  };
}
