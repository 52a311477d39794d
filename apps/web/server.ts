// `pnpm dev` runs this file; `pnpm build` compiles it into dist/ (compile-server.ts) for `pnpm start`.
// Next.js behind a plain Node HTTP server that answers the API itself and hands each page
// request's connection address to the app (src/server/web-server.ts). With WEB_CONCURRENCY > 1
// this process becomes the cluster's primary (src/server/cluster-primary.ts).
import cluster from "node:cluster";
import { existsSync } from "node:fs";
import path from "node:path";
import { parseServerArgs, type ServerArgs } from "./src/server/server-args";

// Compiled, this file runs from dist/; the app (.next/, next.config.mjs) is the folder above.
const compiled = path.basename(import.meta.dirname) === "dist";
const appDir = compiled ? path.dirname(import.meta.dirname) : import.meta.dirname;

function fail(message: string): never {
  console.error(`[web] ${message}`);
  process.exit(1);
}

// `--dev` (pnpm dev) from the sources only; a dependency-free module, so it loads before the
// build check.
let args: ServerArgs;
try {
  args = parseServerArgs(process.argv.slice(2), compiled);
} catch (error) {
  fail((error as Error).message);
}
const { dev } = args;

// Before anything that needs the build (the generated Prisma client comes with it): one line.
if (!dev && !existsSync(path.join(appDir, ".next", "BUILD_ID"))) {
  fail("no production build: run `pnpm build` first");
}
const { boundHeapGrowth } = await import("./src/server/heap-growth");
boundHeapGrowth();
const { loadEnv } = await import("@kit/api/env");
// The app's .env files, read now rather than when Next.js starts: this process reads its port,
// host, workers and (as the cluster's primary) its database before then.
const { loadEnvFiles } = await import("./src/env-files/load-env-files");
loadEnvFiles(appDir, dev, (line) => console.error(`[web] ${line}`));

// `--hostname` overrides HOST, and the runtime (started inside Next) must see the same value.
if (args.hostname) process.env.HOST = args.hostname;
let env: ReturnType<typeof loadEnv>;
try {
  env = loadEnv();
} catch (error) {
  fail(`start-up failed: ${error instanceof Error ? error.message : String(error)}`);
}

if (env.workers > 1 && !dev && cluster.isPrimary) {
  const { runPrimary } = await import("./src/server/cluster-primary");
  await runPrimary({ env, fail });
} else {
  const { startWebServer } = await import("./src/server/web-server");
  await startWebServer({ dev, env, dir: appDir, worker: cluster.isWorker, fail });
}
