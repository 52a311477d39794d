// @kit/api: what apps and extenders use — the kit's routers to compose, procedures, context, who
// is calling, the adapters and start-up. The wire contract for clients is `@kit/api/wire`.

// Throw it from a procedure for an auth failure of the contract (its code is the appCode);
// isAuthError tells one apart (a refused token from ctx.authenticate(), say).
export { AuthError, isAuthError } from "@kit/auth";
// For pages that read the database themselves (server components): an outage is not a sign-out.
// For procedures of the app's own: a unique violation (P2002) to answer with a code of theirs,
// and what a value the database refused as data was.
export { isDatabaseUnavailable, isUniqueViolation, type RefusedValue, refusedValue } from "@kit/db";
export { type AppClaims, accessClaims } from "./access-claims";
export type { Authenticator } from "./authentication/authenticate";
export { DEFAULT_AUTHENTICATORS } from "./authentication/authenticate";
export type { Principal } from "./authentication/principal";
export type { SignedInUser, SignedOut } from "./authentication/signed-in-user";
export { getSignedInUser, readSignedIn } from "./authentication/signed-in-user";
export { createContext } from "./context";
export { clearedPlantedPageCookies } from "./cookie-mode/refresh-cookie";
export type { OpenDatabase } from "./database";
export { openDatabase } from "./database";
export type { AppDeps } from "./deps";
export type { ServerEnv } from "./env";
export { EnvError, loadEnv } from "./env";
export { AppError, type AppErrorCodes } from "./errors";
export type { ConnectionInfo } from "./http/fetch-handler";
export { createFetchHandler } from "./http/fetch-handler";
export {
  checkHealth,
  createHealthFetchHandler,
  createHealthHandler,
  HEALTH_PATH,
  type HealthReport,
  healthResponse,
  isHealthRequest,
} from "./http/health";
export { createJwksFetchHandler, createJwksNodeHandler, isJwksPath } from "./http/jwks";
export {
  type ApiRoutes,
  createApiRoutes,
  createNodeHandler,
  createServerHandler,
} from "./http/standalone";
export { type RateLimitOptions, rateLimit } from "./rate-limited";
export { isHttpsRequest } from "./request/request-origin";
export type { KitRouter } from "./root";
export { kitRouters } from "./root";
export type { Runtime } from "./runtime";
export { startRuntime } from "./runtime";
export type { PruneCounts, PruneOptions } from "./services/prune";
export { pruneExpired } from "./services/prune";
export { type CachedSession, type SessionCache, startSessionCache } from "./session-cache";
export { startStandalone } from "./start-standalone";
export {
  adminProcedure,
  createCallerFactory,
  protectedProcedure,
  publicProcedure,
  router,
} from "./trpc";
