// The standalone server as a process: environment, runtime, listen, shut down on a signal.
// Production unless NODE_ENV=development is set explicitly: a server someone starts is one
// someone may expose, so stack traces in responses and weak secrets are opt-in, never the default.
import type { AnyTRPCRouter } from "@trpc/server";
import { loadEnv } from "./env";
import { DRAIN_TIMEOUT_MS, gracefulCloser } from "./http/graceful-close";
import { createStandaloneServer } from "./http/standalone";
import { reportPoolPriority } from "./process/pool-priority";
import { onStopSignals } from "./process/stop-signals";
import { startRuntime } from "./runtime";
import { TRPC_ENDPOINT } from "./wire";

/**
 * Starts the router on tRPC's standalone Node server, on $PORT. On SIGINT/SIGTERM it stops
 * accepting, finishes the requests in flight (at most DRAIN_TIMEOUT_MS), closes the runtime and
 * exits 0.
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
    // Before the runtime starts, so that no hash ever runs at the pool's old priority.
    await reportPoolPriority(env.threadPoolNice);
    runtime = await startRuntime(env);
  } catch (error) {
    // A configuration mistake is one line for the operator, not a stack trace.
    console.error(
      `[api] start-up failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(1);
  }
  const server = createStandaloneServer(runtime.deps, { router: options.router });
  const closer = gracefulCloser(server);
  server.listen(env.port, env.host, () => {
    const host = env.host.includes(":") ? `[${env.host}]` : env.host;
    console.log(
      `[api] standalone tRPC server on http://${host}:${env.port}${TRPC_ENDPOINT} (${mode})`,
    );
  });

  // Requests in flight are answered (a login half-way through must not fail), then the pool and
  // the embedded PostgreSQL close; a signal a second or more later ends the process at once.
  // Called once: onStopSignals takes the copies of one request as one.
  async function shutdown(signal: NodeJS.Signals) {
    console.log(`[api] ${signal}: finishing the requests in flight, then stopping`);
    if (!(await closer.close())) {
      console.log(`[api] requests still open after ${DRAIN_TIMEOUT_MS} ms were cut`);
    }
    try {
      await runtime.close();
    } catch (error) {
      console.error(`[api] shutdown failed: ${error instanceof Error ? error.message : error}`);
      process.exit(1);
    }
    process.exit(0);
  }
  onStopSignals((signal) => void shutdown(signal));
}
