// The Fetch API handler (Next.js route handlers and any other Request/Response runtime).
import { type AnyTRPCRouter, TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { createContext } from "../context";
import { answerHeadersFor } from "../cookie-mode/streamed-calls";
import type { AppDeps } from "../deps";
import { resolveClientIp } from "../request/client-ip";
import { withoutForwarding } from "../request/forwarding";
import { limitRequestBody } from "../request/limits";
import { kitRouter } from "../root";
import { MAX_BATCH_SIZE, TRPC_ENDPOINT } from "../wire";
import { refuseEncodedBody } from "./content-type";
import { methodHandling } from "./endpoint-methods";
import { withoutBody } from "./read-methods";
import { reportError } from "./report-error";
import { responseMetaFor } from "./response-meta";

/** The connection a request came in on, as the app's own server saw it. */
export interface ConnectionInfo {
  remoteAddress: string | null;
  /** TLS on this connection: the request's real scheme. */
  encrypted: boolean;
  /** Whether the server gave up waiting for the request (and answered 408 itself). */
  requestTimedOut?: () => boolean;
  /**
   * Whether the request, as it reached the server, carried a forwarding header
   * (sentThroughProxy). False: the ones it has now the framework added, and they are dropped.
   */
  forwarded?: boolean;
}

export interface FetchHandlerOptions {
  /** Resolves once the database is ready; awaited on every request (a settled promise is free). */
  deps: () => Promise<AppDeps>;
  /**
   * The request's connection, from something the app's server set (never a header: a client can
   * write any header). Absent or null: every request counts as one unknown client, and the
   * scheme is the one in the Request's URL.
   */
  connection?: () => ConnectionInfo | null;
  /** The router to serve: the app's composed router. Default: the kit's routers alone. */
  router?: AnyTRPCRouter;
}

export function createFetchHandler(options: FetchHandlerOptions) {
  return async (presented: Request): Promise<Response> => {
    const handling = methodHandling(presented.method);
    const request = handling === "trpc" ? presented : reissued(presented, handling);
    const deps = await options.deps();
    const connection = options.connection?.() ?? null;
    const response = await fetchRequestHandler({
      endpoint: TRPC_ENDPOINT,
      req: withBodyFailuresTold(limitRequestBody(request), connection),
      router: options.router ?? kitRouter,
      maxBatchSize: MAX_BATCH_SIZE,
      createContext: ({ info }) => {
        const responseHeaders = answerHeadersFor(request.headers, info);
        // As the client sent them: none the framework wrote, as on the fast path.
        const headers =
          connection?.forwarded === false ? withoutForwarding(request.headers) : request.headers;
        return createContext(deps, {
          headers,
          url: request.url,
          connection,
          responseHeaders,
          clientIp: resolveClientIp({
            socketAddress: connection?.remoteAddress,
            headers,
            trustProxy: deps.trustProxy,
          }),
        });
      },
      onError: reportError(deps),
      responseMeta: responseMetaFor(deps),
    });
    return handling === "as-get" ? withoutBody(response) : response;
  };
}

// The request without its body, as GET (HEAD) or labelled JSON (endpoint-methods.ts).
function reissued(request: Request, handling: "as-get" | "refuse-as-json"): Request {
  const headers = new Headers(request.headers);
  if (handling === "refuse-as-json") headers.set("content-type", "application/json");
  const method = handling === "as-get" ? "GET" : request.method;
  return new Request(request.url, { method, headers, signal: request.signal });
}

/**
 * The request, its body refused when encoded (refuseEncodedBody) as on the fast path, and a body
 * that stops arriving told apart from a database failure: the stream's error (ECONNRESET) was
 * taken for the database's, and a slow client logged 503 DB_UNAVAILABLE. It is the client that
 * went (499), or the server that stopped waiting (408, as the client was answered).
 */
function withBodyFailuresTold(request: Request, connection: ConnectionInfo | null): Request {
  const text = request.text.bind(request);
  Object.defineProperty(request, "text", {
    value: async () => {
      refuseEncodedBody(request.headers.get("content-encoding"));
      try {
        return await text();
      } catch (error) {
        if (error instanceof TRPCError) throw error;
        // No cause: the socket's ECONNRESET behind it would be read as the database's again.
        const timedOut = connection?.requestTimedOut?.() ?? false;
        throw new TRPCError({ code: timedOut ? "TIMEOUT" : "CLIENT_CLOSED_REQUEST" });
      }
    },
  });
  return request;
}
