// What server.ts needs of the runtime that instrumentation.ts started inside Next's bundles: wait
// for it, reach the API handler built beside it, close it. Type imports only, so that every
// `pnpm start` process (every worker) does not load a second copy of the API code for this.
import type { ApiRoutes, Runtime } from "@kit/api";

// Next bundles instrumentation and each route separately, so a module-level variable would exist
// once per bundle: the runtime lives on globalThis so every bundle, and server.ts, shares one.
export const RUNTIME_KEY = Symbol.for("kit.web.runtime");
export const API_HANDLER_KEY = Symbol.for("kit.web.api-handler");
export type RuntimeHolder = {
  [RUNTIME_KEY]?: Promise<Runtime>;
  [API_HANDLER_KEY]?: ApiRoutes;
};
const holder = globalThis as RuntimeHolder;

/** What instrumentation.ts put under `key`, once it has; rejects after `timeoutMs`. */
async function published<K extends keyof RuntimeHolder>(
  key: K,
  what: string,
  timeoutMs: number,
): Promise<NonNullable<RuntimeHolder[K]>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = holder[key];
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`instrumentation.ts did not ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Resolves once the runtime that instrumentation.ts started is ready; rejects if it failed or
 * never started within `timeoutMs`. Starts nothing itself: server.ts loads these modules outside
 * Next's bundles.
 */
export async function runtimeReady(timeoutMs = 60_000): Promise<void> {
  await await published(RUNTIME_KEY, "start the runtime", timeoutMs);
}

/** The app's router on Node's request objects, built by instrumentation.ts (see api-handler.ts). */
export function apiHandler(timeoutMs = 10_000): Promise<ApiRoutes> {
  return published(API_HANDLER_KEY, "publish the API handler", timeoutMs);
}

/** Closes the runtime if one was started (pool, limiter, embedded database); else nothing. */
export async function closeRuntime(): Promise<void> {
  const started = holder[RUNTIME_KEY];
  if (started) await (await started).close();
}
