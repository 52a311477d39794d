// @kit/api: the tRPC router, its context and procedures, the HTTP adapters and start-up.
export type { Authenticator, RequestInfo } from "./authenticate";
export { bearerAuthenticator, runAuthenticators } from "./authenticate";
export type { Context, CreateContextOptions } from "./context";
export { createContext, DEFAULT_AUTHENTICATORS } from "./context";
export {
  COOKIE_MODE_HEADER,
  REFRESH_COOKIE_NAME,
  REFRESH_COOKIE_PATH,
} from "./cookie-mode/refresh-cookie";
export type { ConnectionTls, HttpsRequestInput } from "./cookie-mode/request-origin";
export { isHttpsRequest } from "./cookie-mode/request-origin";
export type { SignedInUser } from "./cookie-mode/signed-in-user";
export { getSignedInUser } from "./cookie-mode/signed-in-user";
export type { AppDeps } from "./deps";
export type { ServerEnv } from "./env";
export { demoUserAllowed, EnvError, isLoopbackHost, loadEnv } from "./env";
export type { ApiErrorCode, AppCode } from "./errors";
export { AppError } from "./errors";
export type { ConnectionInfo, FetchHandlerOptions } from "./http/fetch-handler";
export { createFetchHandler, TRPC_ENDPOINT } from "./http/fetch-handler";
export { MAX_BATCH_SIZE, MAX_BODY_BYTES } from "./http/limits";
export { createStandaloneServer } from "./http/standalone";
export type { Principal, PrincipalSession, PrincipalUser } from "./principal";
export type { AppRouter } from "./root";
export { appRouter } from "./root";
export type { Runtime, StartOptions } from "./runtime";
export { startRuntime } from "./runtime";
export { DEMO_USER, seedDemoUser } from "./seed";
export type { PruneCounts, PruneOptions } from "./services/prune";
export { pruneExpired } from "./services/prune";
export { createCallerFactory, protectedProcedure, publicProcedure, router } from "./trpc";
