// Builds the API's Node handler (tRPC, health, the public keys) inside instrumentation's bundle,
// beside the runtime, and leaves it on globalThis for server.ts: the same code and deps the
// runtime was built with, loaded once.
import { createApiRoutes } from "@kit/api";
import { appRouter } from "../api/root";
import { getRuntime } from "./runtime";
import { API_HANDLER_KEY, type RuntimeHolder } from "./runtime-handle";

export async function publishApiHandler(): Promise<void> {
  const { deps } = await getRuntime();
  // The API, health and the public keys; server.ts gives Next.js whatever these leave.
  (globalThis as RuntimeHolder)[API_HANDLER_KEY] = createApiRoutes(deps, { router: appRouter });
}
