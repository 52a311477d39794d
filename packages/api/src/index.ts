// @kit/api: the kit's routers for an app to compose, their context and procedures, who is calling, the HTTP adapters and start-up.
export type { Authenticator, RequestInfo } from "./authentication/authenticate";
export {
  bearerAuthenticator,
  DEFAULT_AUTHENTICATORS,
  runAuthenticators,
} from "./authentication/authenticate";
export type { LiveSession, SessionClaims } from "./authentication/live-session";
export { loadLiveSession } from "./authentication/live-session";
export type { Principal, PrincipalSession, PrincipalUser } from "./authentication/principal";
export type { SignedInUser } from "./authentication/signed-in-user";
export { getSignedInUser } from "./authentication/signed-in-user";
export type { Context, CreateContextOptions } from "./context";
export { createContext } from "./context";
export {
  COOKIE_MODE_HEADER,
  REFRESH_COOKIE_NAME,
  REFRESH_COOKIE_PATH,
} from "./cookie-mode/refresh-cookie";
export type { AppDeps } from "./deps";
export type { ServerEnv } from "./env";
export { demoUserAllowed, EnvError, isLoopbackHost, loadEnv } from "./env";
export type { ApiErrorCode, AppCode } from "./errors";
export { AppError } from "./errors";
export type { ConnectionInfo, FetchHandlerOptions } from "./http/fetch-handler";
export { createFetchHandler, TRPC_ENDPOINT } from "./http/fetch-handler";
export type { StandaloneServerOptions } from "./http/standalone";
export { createStandaloneServer } from "./http/standalone";
export { MAX_BATCH_SIZE, MAX_BODY_BYTES } from "./request/limits";
export type { ConnectionTls, HttpsRequestInput } from "./request/request-origin";
export { isHttpsRequest } from "./request/request-origin";
export type { KitRouter } from "./root";
export { kitRouter, kitRouters } from "./root";
export type { Runtime, StartOptions } from "./runtime";
export { startRuntime } from "./runtime";
export { DEMO_USER, seedDemoUser } from "./seed";
export type { PruneCounts, PruneOptions } from "./services/prune";
export { pruneExpired } from "./services/prune";
export { startStandalone } from "./start-standalone";
export { createCallerFactory, protectedProcedure, publicProcedure, router } from "./trpc";
