// `pnpm serve`: the router on tRPC's standalone Node server, on $PORT. Production unless
// NODE_ENV=development is set explicitly: a server someone starts is one someone may expose, so
// stack traces in responses and weak secrets are opt-in, never the default.
import { createStandaloneServer, loadEnv, startRuntime } from "../index";

const mode = process.env.NODE_ENV === "development" ? "development" : "production";
process.env.NODE_ENV = mode;

let runtime: Awaited<ReturnType<typeof startRuntime>>;
let env: ReturnType<typeof loadEnv>;
try {
  env = loadEnv();
  runtime = await startRuntime(env);
} catch (error) {
  // A configuration mistake is one line for the operator, not a stack trace.
  console.error(`[api] start-up failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
const server = createStandaloneServer(runtime.deps);
server.listen(env.port, env.host, () => {
  const host = env.host.includes(":") ? `[${env.host}]` : env.host;
  console.log(`[api] standalone tRPC server on http://${host}:${env.port}/api/trpc (${mode})`);
});

async function shutdown() {
  server.close();
  await runtime.close();
  process.exit(0);
}
process.once("SIGINT", shutdown);
process.once("SIGTERM", shutdown);
