// Builds the API's Node handler inside instrumentation's bundle, beside the runtime, and leaves
// it on globalThis for server.ts: the same code and deps the runtime was built with, loaded once.
import { createHealthHandler, createNodeHandler } from "@kit/api";
import { appRouter } from "../api/root";
import { getRuntime } from "./runtime";
import { API_HANDLER_KEY, HEALTH_HANDLER_KEY, type RuntimeHolder } from "./runtime-handle";

export async function publishApiHandler(): Promise<void> {
  const { deps } = await getRuntime();
  (globalThis as RuntimeHolder)[API_HANDLER_KEY] = createNodeHandler(deps, { router: appRouter });
  (globalThis as RuntimeHolder)[HEALTH_HANDLER_KEY] = createHealthHandler(deps);
}
