// `node --import tsx with-env-files.ts [--dir <app dir>] <command> [args...]`: <command> run with
// this app's .env files loaded as `pnpm start` loads them (src/env-files/). The root package.json
// routes `pnpm auth`, `pnpm db:migrate` and `pnpm db:seed` through it.
import { runWithEnvFiles } from "./src/env-files/run-with-env-files";

const argv = process.argv.slice(2);
// --dir is for tests (a throwaway folder instead of the developer's own .env.local).
const dir = argv[0] === "--dir" ? argv[1] : import.meta.dirname;
const command = argv[0] === "--dir" ? argv.slice(2) : argv;
if (!dir || command.length === 0) {
  console.error("usage: with-env-files [--dir <app dir>] <command> [args...]");
  process.exit(2);
}
process.exitCode = await runWithEnvFiles(dir, command);
