// The server's one runtime (database ready, deps built), shared by instrumentation and routes.
import { type AppDeps, loadEnv, type Runtime, startRuntime } from "@kit/api";

// Next bundles instrumentation and each route separately, so a module-level variable would exist
// once per bundle: the promise lives on globalThis so every bundle shares one database pool.
const KEY = Symbol.for("kit.web.runtime");
type Holder = { [KEY]?: Promise<Runtime> };

export function getRuntime(): Promise<Runtime> {
  const holder = globalThis as Holder;
  holder[KEY] ??= startRuntime(loadEnv());
  return holder[KEY];
}

export async function getDeps(): Promise<AppDeps> {
  return (await getRuntime()).deps;
}

/** Closes the runtime if one was started (pool, limiter, embedded database); else nothing. */
export async function closeRuntime(): Promise<void> {
  const started = (globalThis as Holder)[KEY];
  if (started) await (await started).close();
}

/**
 * Resolves once the runtime that instrumentation.ts started is ready; rejects if it failed or
 * never started within `timeoutMs`. Starts nothing itself: server.ts loads these modules outside
 * Next's bundles, and objects built there would fail the bundles' `instanceof` checks.
 */
export async function runtimeReady(timeoutMs = 60_000): Promise<void> {
  const holder = globalThis as Holder;
  const deadline = Date.now() + timeoutMs;
  while (!holder[KEY]) {
    if (Date.now() > deadline) throw new Error("instrumentation.ts did not start the runtime");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  await holder[KEY];
}
