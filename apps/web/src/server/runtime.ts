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
