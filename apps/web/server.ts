// `pnpm start` / `pnpm dev`: Next.js behind a plain Node HTTP server whose only extra job is to
// hand each request's connection address to the app (see src/server/connection.ts).
import { createServer, type ServerResponse } from "node:http";
import { loadEnv } from "@kit/api";
import next from "next";
import { connectionStorage } from "./src/server/connection";
import { closeRuntime, runtimeReady } from "./src/server/runtime";

const dev = process.argv.includes("--dev");
const env = loadEnv();
const hostnameFlag = process.argv.indexOf("--hostname");
const hostname = hostnameFlag > 0 ? process.argv[hostnameFlag + 1] : undefined;

const app = next({ dev, dir: import.meta.dirname, port: env.port, hostname });
const handle = app.getRequestHandler();
await app.prepare();
// instrumentation.ts starts the database (embedded server, migrations, demo user) in the
// background of prepare(); listen only once it is ready, and fail loudly if it cannot be.
try {
  await runtimeReady();
} catch (error) {
  console.error("[web] start-up failed:", error instanceof Error ? error.message : error);
  process.exit(1);
}

// Next adds its router's request headers to Vary on every response. On the API they mean
// nothing and only announce the framework; pages keep them (caches need them there).
const FRAMEWORK_VARY = /^(rsc|next-[a-z-]+)$/i;
function hideFrameworkVary(res: ServerResponse): void {
  const setHeader = res.setHeader.bind(res);
  res.setHeader = (name, value) => {
    if (name.toLowerCase() !== "vary") return setHeader(name, value);
    const kept = String(value)
      .split(",")
      .map((token) => token.trim())
      .filter((token) => token && !FRAMEWORK_VARY.test(token));
    return kept.length > 0 ? setHeader(name, kept.join(", ")) : res;
  };
}

const storage = connectionStorage();
const server = createServer((req, res) => {
  if (req.url?.startsWith("/api/")) hideFrameworkVary(res);
  storage.run({ remoteAddress: req.socket.remoteAddress ?? null }, () => {
    void handle(req, res);
  });
});
server.listen(env.port, hostname, () => {
  console.log(`[web] ready on http://${hostname ?? "localhost"}:${env.port}${dev ? " (dev)" : ""}`);
});

let closing = false;
function shutdown() {
  if (closing) return;
  closing = true;
  server.close();
  server.closeAllConnections();
  // Pool, limiter and the embedded PostgreSQL close before the process goes.
  void Promise.allSettled([app.close(), closeRuntime()]).finally(() => process.exit(0));
}
process.once("SIGINT", shutdown);
process.once("SIGTERM", shutdown);
