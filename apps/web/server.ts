// `pnpm start` / `pnpm dev`: Next.js behind a plain Node HTTP server whose only extra job is to
// hand each request's connection address to the app (see src/server/connection.ts).
import { existsSync } from "node:fs";
import { createServer, type ServerResponse } from "node:http";
import path from "node:path";

const dev = process.argv.includes("--dev");

function fail(message: string): never {
  console.error(`[web] ${message}`);
  process.exit(1);
}

// Before anything that needs the build (the generated Prisma client comes with it): one line.
if (!dev && !existsSync(path.join(import.meta.dirname, ".next", "BUILD_ID"))) {
  fail("no production build: run `pnpm build` first");
}
const { default: next } = await import("next");
const { loadEnv } = await import("@kit/api");
const { connectionStorage } = await import("./src/server/connection");
const { closeRuntime, runtimeReady } = await import("./src/server/runtime");

// `--hostname` overrides HOST, and the runtime (started inside Next) must see the same value.
const hostnameFlag = process.argv.indexOf("--hostname");
if (hostnameFlag > 0 && process.argv[hostnameFlag + 1]) {
  process.env.HOST = process.argv[hostnameFlag + 1];
}
let env: ReturnType<typeof loadEnv>;
try {
  env = loadEnv();
} catch (error) {
  fail(`start-up failed: ${error instanceof Error ? error.message : String(error)}`);
}
const hostname = env.host;

// Installed before Next starts: the runtime refuses to start where no server hands it the
// client's address (a bare `next start`), and this is how it knows one does.
const storage = connectionStorage();
const app = next({ dev, dir: import.meta.dirname, port: env.port, hostname });
const handle = app.getRequestHandler();
await app.prepare();
// instrumentation.ts starts the database (embedded server, migrations, demo user) in the
// background of prepare(); listen only once it is ready, and fail loudly if it cannot be.
try {
  await runtimeReady();
} catch (error) {
  fail(`start-up failed: ${error instanceof Error ? error.message : String(error)}`);
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

const server = createServer((req, res) => {
  if (req.url?.startsWith("/api/")) hideFrameworkVary(res);
  const connection = {
    remoteAddress: req.socket.remoteAddress ?? null,
    // A plain HTTP server: TLS, where there is any, ends at a proxy in front of it.
    encrypted: "encrypted" in req.socket && req.socket.encrypted === true,
  };
  storage.run(connection, () => {
    void handle(req, res);
  });
});
server.listen(env.port, hostname, () => {
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  console.log(`[web] ready on http://${host}:${env.port}${dev ? " (dev)" : ""}`);
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
