// The router on Node's own HTTP objects: `pnpm serve`, the API half of `pnpm start` (server.ts
// answers /api/trpc with it before Next.js), integration tests and benchmarks.
import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AnyTRPCRouter } from "@trpc/server";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { createContext } from "../context";
import { answerHeadersFor } from "../cookie-mode/streamed-calls";
import type { AppDeps } from "../deps";
import { resolveClientIp } from "../request/client-ip";
import { MAX_BODY_BYTES } from "../request/limits";
import { kitRouter } from "../root";
import { MAX_BATCH_SIZE, TRPC_ENDPOINT } from "../wire";
import { answerClientErrors, REQUEST_TIMEOUTS } from "./client-error";
import { methodHandling } from "./endpoint-methods";
import { headersOf, withFastPath } from "./fast-path";
import { createHealthHandler, isHealthRequest } from "./health";
import { createJwksNodeHandler, isJwksPath } from "./jwks";
import { peerAddress, rememberPeerAddresses } from "./peer-address";
import { reportError } from "./report-error";
import { answerTarget, toOriginForm } from "./request-target";
import { responseMetaFor } from "./response-meta";
import { answerPlain } from "./security-headers";

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
 * Answers requests under TRPC_ENDPOINT with the router (others: 404): the same contract as the
 * Fetch handler that Next.js's route uses. Plain queries and JSON mutations take the fast path
 * (fast-path.ts), without a Fetch Request per call; everything else, tRPC's stock adapter.
 */
export function createNodeHandler(
  deps: AppDeps,
  options: StandaloneServerOptions = {},
): RequestListener {
  const router = options.router ?? kitRouter;
  const basePath = `${TRPC_ENDPOINT}/`;
  const onError = reportError(deps);
  const responseMeta = responseMetaFor(deps);
  const contextFor = (req: IncomingMessage, headers: Headers, responseHeaders?: Headers) =>
    createContext(deps, {
      headers,
      url: requestUrl(req),
      responseHeaders,
      clientIp: resolveClientIp({
        socketAddress: peerAddress(req.socket),
        headers,
        trustProxy: deps.trustProxy,
      }),
    });
  const stock = createHTTPHandler({
    basePath,
    router,
    maxBodySize: MAX_BODY_BYTES,
    maxBatchSize: MAX_BATCH_SIZE,
    // The fast path never streams: only this one can meet a streamed call.
    createContext: ({ req, info }) => {
      const headers = headersOf(req);
      return contextFor(req, headers, answerHeadersFor(headers, info));
    },
    onError,
    responseMeta,
  });
  const fastPath = {
    router,
    basePath,
    maxBatchSize: MAX_BATCH_SIZE,
    maxBodySize: MAX_BODY_BYTES,
    createContext: contextFor,
    onError,
    responseMeta,
  };
  const handler = withFastPath(fastPath, stock);
  return (req, res) => {
    const handling = methodHandling(req.method);
    // The response knows the request was HEAD (Node set it up before this): it sends no body.
    if (handling === "as-get") req.method = "GET";
    else if (handling === "refuse-as-json") req.headers["content-type"] = "application/json";
    req.url = asOneSegment(req.url ?? "/", basePath.length);
    return handler(req, res);
  };
}

/**
 * The target with any slash or backslash after the base path escaped: a procedure's name has
 * none, and the URL parser that tRPC and the fast path go through would resolve the segments
 * first, a backslash being a slash to it (`/api/trpc/../health` was then the procedure "h", and
 * `/api/trpc/x\..\admin.users` admin.users, past a proxy's rule on the path). Escaped, the
 * name is reported as sent.
 */
export function asOneSegment(target: string, baseLength: number): string {
  const query = target.indexOf("?", baseLength);
  const end = query === -1 ? target.length : query;
  // Two searches and no copy on every call: names almost never hold either.
  const slash = target.indexOf("/", baseLength);
  const backslash = target.indexOf("\\", baseLength);
  if ((slash === -1 || slash > end) && (backslash === -1 || backslash > end)) return target;
  const escaped = target.slice(baseLength, end).replaceAll("/", "%2F").replaceAll("\\", "%5C");
  return `${target.slice(0, baseLength)}${escaped}${target.slice(end)}`;
}

/**
 * The router on a plain Node HTTP server (not listening yet); the same contract as the route,
 * GET /api/health (see health.ts) and the public keys at JWKS_PATH (see jwks.ts).
 */
export function createStandaloneServer(
  deps: AppDeps,
  options: StandaloneServerOptions = {},
): Server {
  const server = createServer(REQUEST_TIMEOUTS, createServerHandler(deps, options));
  rememberPeerAddresses(server);
  answerClientErrors(server);
  return server;
}

/**
 * Answers what the API's own server answers, and says whether it did: GET /api/health, the public
 * keys at JWKS_PATH and the router under TRPC_ENDPOINT (`false` for any other path, left for the
 * caller to answer). For a request already in origin form (toOriginForm): `pnpm start` asks it
 * first and gives Next.js what it leaves.
 */
export type ApiRoutes = (req: IncomingMessage, res: ServerResponse) => boolean;

export function createApiRoutes(deps: AppDeps, options: StandaloneServerOptions = {}): ApiRoutes {
  const api = createNodeHandler(deps, options);
  const health = createHealthHandler(deps);
  const jwks = createJwksNodeHandler(deps);
  const basePath = `${TRPC_ENDPOINT}/`;
  return (req, res) => {
    // tRPC's adapter cuts the base path's length off any URL without checking it: `/foo/auth.me`
    // called `me`, and `/abcdefgh/admin.users` the admin's list, past a proxy's path rules.
    if (req.url?.startsWith(basePath)) api(req, res);
    else if (isHealthRequest(req.url)) health(req, res);
    else if (isJwksPath(req.url)) jwks(req, res);
    else return false;
    return true;
  };
}

/** The standalone server's listener: the API's routes, and a plain 404 for any other path. */
export function createServerHandler(
  deps: AppDeps,
  options: StandaloneServerOptions = {},
): RequestListener {
  const routes = createApiRoutes(deps, options);
  return (req, res) => {
    const verdict = toOriginForm(req);
    if (verdict !== "route") return answerTarget(verdict, res);
    if (!routes(req, res)) answerPlain(res, 404, "Not found");
  };
}
