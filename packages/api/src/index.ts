// @kit/api: what apps and extenders use — the kit's routers to compose, procedures, context, who
// is calling, the adapters and start-up. The wire contract for clients is `@kit/api/wire`.
export type { Authenticator } from "./authentication/authenticate";
export { DEFAULT_AUTHENTICATORS } from "./authentication/authenticate";
export type { Principal } from "./authentication/principal";
export type { SignedInUser } from "./authentication/signed-in-user";
export { getSignedInUser } from "./authentication/signed-in-user";
export { createContext } from "./context";
export type { AppDeps } from "./deps";
export { EnvError, loadEnv, RATE_LIMIT_VARIABLES } from "./env";
export { AppError } from "./errors";
export type { ConnectionInfo } from "./http/fetch-handler";
export { createFetchHandler } from "./http/fetch-handler";
export { isHttpsRequest } from "./request/request-origin";
export type { KitRouter } from "./root";
export { kitRouters } from "./root";
export type { Runtime } from "./runtime";
export { startRuntime } from "./runtime";
export type { PruneCounts, PruneOptions } from "./services/prune";
export { pruneExpired } from "./services/prune";
export { startStandalone } from "./start-standalone";
export { createCallerFactory, protectedProcedure, publicProcedure, router } from "./trpc";
