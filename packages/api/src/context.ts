// The tRPC context: built from a standard Headers, so every adapter and test builds it the same way.
import { randomUUID } from "node:crypto";
import {
  type Authenticator,
  DEFAULT_AUTHENTICATORS,
  runAuthenticators,
} from "./authentication/authenticate";
import type { Principal } from "./authentication/principal";
import type { AppDeps } from "./deps";
import { type ConnectionTls, requestOrigin } from "./request/request-origin";

export interface CreateContextOptions {
  headers: Headers;
  /** The connection's address as the server saw it; null where the adapter cannot know it. */
  clientIp: string | null;
  /**
   * The request's absolute URL, for the request's own origin (the Secure flag, the CSRF check).
   * Absent (createCaller, scripts): no origin, so cookie mode never reads a cookie.
   */
  url?: string | null;
  /** The connection as the app's own server saw it: its TLS is the request's scheme (see requestOrigin). */
  connection?: ConnectionTls | null;
  /**
   * Where procedures put response headers (`Set-Cookie`); the adapters copy them onto the
   * response through `responseMeta`. Default: a fresh Headers, for callers with no response.
   */
  responseHeaders?: Headers;
  /** Default: a new UUID. It names the request in the log and in the `X-Request-Id` header. */
  requestId?: string;
}

export interface Context {
  deps: AppDeps;
  /** Names this request in the server log and in the response's `X-Request-Id` header. */
  requestId: string;
  /** `performance.now()` when the context was made: the access log's duration counts from here. */
  startedAt: number;
  headers: Headers;
  clientIp: string | null;
  userAgent: string | null;
  /**
   * `scheme://host[:port]` of this request, trusted proxies considered; null when unknown.
   * A function, worked out on first call: only cookie mode needs it, and a property would be
   * computed for every call (tRPC spreads the context at each middleware).
   */
  origin(): string | null;
  /** Headers for the response, `Set-Cookie` above all; see CreateContextOptions. */
  responseHeaders: Headers;
  /**
   * Who is calling: runs the authenticator chain (`DEFAULT_AUTHENTICATORS`, Bearer only, in
   * authentication/authenticate.ts) once, on first call: public procedures never pay for it,
   * and a bad token only fails the procedures that need a user.
   */
  authenticate(): Promise<Principal | null>;
  /**
   * Undefined in this context: protectedProcedure passes the caller's user, session and app
   * claims on to the procedures behind it, where they are set. Present from the start, because
   * tRPC merges the context a middleware passes on with object spread, and on Node 20's V8 a
   * spread copy that gains new keys costs ~3 µs where one that only overwrites keys costs ~0.04
   * (packages/bench/PERFORMANCE.md, "What caps").
   */
  user?: undefined;
  session?: undefined;
  claims?: undefined;
}

const MAX_USER_AGENT = 512;

export function createContext(
  deps: AppDeps,
  options: CreateContextOptions,
  authenticators: readonly Authenticator[] = DEFAULT_AUTHENTICATORS,
): Context {
  let result: Promise<Principal | null> | undefined;
  let origin: string | null | undefined;
  const request = { headers: options.headers, clientIp: options.clientIp };
  return {
    deps,
    requestId: options.requestId ?? randomUUID(),
    startedAt: performance.now(),
    headers: options.headers,
    clientIp: options.clientIp,
    userAgent: options.headers.get("user-agent")?.slice(0, MAX_USER_AGENT) ?? null,
    origin() {
      if (origin === undefined) {
        origin = requestOrigin({
          url: options.url ?? null,
          connection: options.connection,
          headers: options.headers,
          trustProxy: deps.trustProxy,
        });
      }
      return origin;
    },
    responseHeaders: options.responseHeaders ?? new Headers(),
    authenticate() {
      result ??= runAuthenticators(authenticators, deps, request);
      return result;
    },
    user: undefined,
    session: undefined,
    claims: undefined,
  };
}
