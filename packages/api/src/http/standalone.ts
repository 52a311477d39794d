// The router on Node's own HTTP objects: `pnpm serve`, the API half of `pnpm start` (server.ts
// answers /api/trpc with it before Next.js), integration tests and benchmarks.
import { createServer, type IncomingMessage, type RequestListener, type Server } from "node:http";
import type { AnyTRPCRouter } from "@trpc/server";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { createContext } from "../context";
import type { AppDeps } from "../deps";
import { resolveClientIp } from "../request/client-ip";
import { MAX_BODY_BYTES } from "../request/limits";
import { kitRouter } from "../root";
import { MAX_BATCH_SIZE, TRPC_ENDPOINT } from "../wire";
import { createJwksNodeHandler, isJwksPath } from "./jwks";
import { reportError } from "./report-error";
import { responseMeta } from "./response-meta";

function toHeaders(raw: NodeJS.Dict<string | string[]>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.set(name, value);
  }
  return headers;
}

/** The absolute URL as the client addressed it: Node gives only the path and the Host header. */
function requestUrl(req: IncomingMessage): string | null {
  const host = req.headers.host;
  if (!host) return null;
  const scheme = "encrypted" in req.socket && req.socket.encrypted ? "https" : "http";
  return `${scheme}://${host}${req.url ?? "/"}`;
}

export interface StandaloneServerOptions {
  /** The router to serve: the app's composed router. Default: the kit's routers alone. */
  router?: AnyTRPCRouter;
}

/**
 * Answers requests under TRPC_ENDPOINT with the router (others: 404). The same contract as the
 * Fetch handler that Next.js's route uses, without building a Fetch Request for each call.
 */
export function createNodeHandler(
  deps: AppDeps,
  options: StandaloneServerOptions = {},
): RequestListener {
  return createHTTPHandler({
    basePath: `${TRPC_ENDPOINT}/`,
    router: options.router ?? kitRouter,
    maxBodySize: MAX_BODY_BYTES,
    maxBatchSize: MAX_BATCH_SIZE,
    createContext: ({ req }) => {
      const headers = toHeaders(req.headers);
      const socketAddress = req.socket.remoteAddress;
      return createContext(deps, {
        headers,
        url: requestUrl(req),
        clientIp: resolveClientIp({ socketAddress, headers, trustProxy: deps.trustProxy }),
      });
    },
    onError: reportError(deps),
    responseMeta,
  });
}

/**
 * The router on a plain Node HTTP server (not listening yet); the same contract as the route,
 * and the public keys at JWKS_PATH.
 */
export function createStandaloneServer(
  deps: AppDeps,
  options: StandaloneServerOptions = {},
): Server {
  const api = createNodeHandler(deps, options);
  const jwks = createJwksNodeHandler(deps);
  return createServer((req, res) => (isJwksPath(req.url ?? "/") ? jwks(req, res) : api(req, res)));
}
