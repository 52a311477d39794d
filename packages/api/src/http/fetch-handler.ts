// The Fetch API handler (Next.js route handlers and any other Request/Response runtime).
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { createContext } from "../context";
import type { AppDeps } from "../deps";
import { appRouter } from "../root";
import { limitRequestBody, MAX_BATCH_SIZE } from "./limits";
import { reportError } from "./report-error";

export const TRPC_ENDPOINT = "/api/trpc";

export interface FetchHandlerOptions {
  /** Resolves once the database is ready; awaited on every request (a settled promise is free). */
  deps: () => Promise<AppDeps>;
  /** Where the runtime can tell the connection's address; null when it cannot. */
  clientIp?: (request: Request) => string | null;
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
          clientIp: options.clientIp?.(request) ?? null,
        }),
      onError: reportError(deps),
    });
  };
}
