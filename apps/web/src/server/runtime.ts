// The server's one runtime (database ready, deps built), shared by instrumentation and routes.
import { type AppDeps, EnvError, loadEnv, type Runtime, startRuntime } from "@kit/api";
import { connectionStorageInstalled } from "./connection";
import { type RuntimeHolder as Holder, RUNTIME_KEY as KEY } from "./runtime-handle";

export function getRuntime(): Promise<Runtime> {
  const holder = globalThis as Holder;
  holder[KEY] ??= start();
  return holder[KEY];
}

export const CLIENT_ADDRESS_UNKNOWN =
  "this server cannot see the client's address (it was started without apps/web/server.ts: " +
  "a bare `next start` or a serverless platform), so every client would share one rate-limit " +
  "bucket. Start it with `pnpm start`, or, behind reverse proxies that append X-Forwarded-For, " +
  "set AUTH_TRUST_PROXY to their number.";

async function start(): Promise<Runtime> {
  const env = loadEnv();
  // Refused rather than guessed: one bucket for everybody lets one attacker lock everyone out.
  if (!connectionStorageInstalled() && env.trustProxy === 0) {
    throw new EnvError(CLIENT_ADDRESS_UNKNOWN);
  }
  return startRuntime(env);
}

/**
 * Starts the runtime at server start-up (instrumentation.ts). A server that cannot work (bad
 * configuration, no database, no client address) stops with one line, whoever started it:
 * Next.js on its own would log the error and go on answering 500.
 */
export async function startOrExit(): Promise<void> {
  try {
    await getRuntime();
  } catch (error) {
    console.error(
      `[web] start-up failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(1);
  }
}

export async function getDeps(): Promise<AppDeps> {
  return (await getRuntime()).deps;
}
