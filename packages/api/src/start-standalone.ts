// The standalone server as a process: environment, runtime, listen, shut down on a signal.
// Production unless NODE_ENV=development is set explicitly: a server someone starts is one
// someone may expose, so stack traces in responses and weak secrets are opt-in, never the default.
import type { AnyTRPCRouter } from "@trpc/server";
import { loadEnv } from "./env";
import { createStandaloneServer } from "./http/standalone";
import { startRuntime } from "./runtime";
import { TRPC_ENDPOINT } from "./wire";

/**
 * Starts the router on tRPC's standalone Node server, on $PORT, and exits on SIGINT/SIGTERM.
 * A start-up failure is one line on stderr and exit code 1.
 *
 * @example
 * // apps/web/serve.ts: the app's composed router, as the Next.js route serves it
 * await startStandalone({ router: appRouter });
 */
export async function startStandalone(options: { router?: AnyTRPCRouter } = {}): Promise<void> {
  const mode = process.env.NODE_ENV === "development" ? "development" : "production";
  // (Next.js types NODE_ENV as read-only; this process is not Next.js.)
  (process.env as Record<string, string | undefined>).NODE_ENV = mode;

  let runtime: Awaited<ReturnType<typeof startRuntime>>;
  let env: ReturnType<typeof loadEnv>;
  try {
    env = loadEnv();
    runtime = await startRuntime(env);
  } catch (error) {
    // A configuration mistake is one line for the operator, not a stack trace.
    console.error(
      `[api] start-up failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(1);
  }
  const server = createStandaloneServer(runtime.deps, { router: options.router });
  server.listen(env.port, env.host, () => {
    const host = env.host.includes(":") ? `[${env.host}]` : env.host;
    console.log(
      `[api] standalone tRPC server on http://${host}:${env.port}${TRPC_ENDPOINT} (${mode})`,
    );
  });

  async function shutdown() {
    server.close();
    await runtime.close();
    process.exit(0);
  }
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}
