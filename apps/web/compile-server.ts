// `pnpm build`'s last step: server.ts (`pnpm start`) and serve.ts (`pnpm serve`) and the workspace
// code they load, compiled to dist/ so that both run plain JavaScript. tsx's loader (and the thread
// it runs on) costs each process ~45 MB, paid again by every worker; and tsx, relaying a signal to
// its child, SIGKILLs one that has not acknowledged it within ~30 ms.
import { rm } from "node:fs/promises";
import path from "node:path";
import { build, type Plugin } from "esbuild";

const outdir = path.join(import.meta.dirname, "dist");

/**
 * Workspace packages ship TypeScript source, so they are compiled in; everything else stays a
 * package import. pnpm gives each package its own node_modules, so a dependency of @kit/auth is
 * not visible from apps/web: each import is written as a path relative to dist/, resolved from
 * the file that imports it (relative, so the checkout can move).
 */
const packagesStayExternal: Plugin = {
  name: "packages-stay-external",
  setup(bundle) {
    bundle.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData === "resolving" || args.path.startsWith("node:")) return undefined;
      if (args.path.startsWith("@kit/")) return undefined;
      const resolved = await bundle.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        pluginData: "resolving",
      });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      const relative = path.relative(outdir, resolved.path).split(path.sep).join("/");
      return { path: relative.startsWith(".") ? relative : `./${relative}`, external: true };
    });
  },
};

await rm(outdir, { recursive: true, force: true });
await build({
  // One build, so the code both entries load (@kit/api, @kit/auth, @kit/db) is shared chunks.
  entryPoints: [
    path.join(import.meta.dirname, "server.ts"),
    path.join(import.meta.dirname, "serve.ts"),
  ],
  outdir,
  bundle: true,
  // The cluster primary and the web server are separate chunks, loaded by the process that
  // needs them: a worker never loads what only the primary uses (the database, Prisma).
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  outExtension: { ".js": ".mjs" },
  chunkNames: "[name]-[hash]",
  plugins: [packagesStayExternal],
  logLevel: "warning",
});
console.log("compiled server.ts → dist/server.mjs, serve.ts → dist/serve.mjs");
