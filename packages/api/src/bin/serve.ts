// `pnpm serve`: the router on tRPC's standalone Node server, on $PORT.
import { createStandaloneServer, loadEnv, startRuntime } from "../index";

const env = loadEnv();
const runtime = await startRuntime(env);
const server = createStandaloneServer(runtime.deps);
server.listen(env.port, () => {
  console.log(`[api] standalone tRPC server on http://localhost:${env.port}/api/trpc`);
});

async function shutdown() {
  server.close();
  await runtime.close();
  process.exit(0);
}
process.once("SIGINT", shutdown);
process.once("SIGTERM", shutdown);
