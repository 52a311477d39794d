// Builds the API's Node handlers (tRPC and the JWKS) inside instrumentation's bundle, beside the runtime, and leaves
// it on globalThis for server.ts: the same code and deps the runtime was built with, loaded once.
import { createHealthHandler, createJwksNodeHandler, createNodeHandler } from "@kit/api";
import { appRouter } from "../api/root";
import { getRuntime } from "./runtime";
import {
  API_HANDLER_KEY,
  HEALTH_HANDLER_KEY,
  JWKS_HANDLER_KEY,
  type RuntimeHolder,
} from "./runtime-handle";

export async function publishApiHandler(): Promise<void> {
  const { deps } = await getRuntime();
  const holder = globalThis as RuntimeHolder;
  holder[API_HANDLER_KEY] = createNodeHandler(deps, { router: appRouter });
  holder[HEALTH_HANDLER_KEY] = createHealthHandler(deps);
  holder[JWKS_HANDLER_KEY] = createJwksNodeHandler(deps);
}
