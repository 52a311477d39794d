// The app's .env files (.env.local, .env.production, ...), loaded the way `pnpm start` loads them.
// A CommonJS bundle Node cannot see named exports in: the default import is the module.
import nextEnv from "@next/env";

/**
 * Loads `dir`'s .env files into `process.env` with Next.js's own loader, so the precedence is
 * Next's: a variable already in the environment wins over every file, `.env.$mode.local` over
 * `.env.local` over `.env.$mode` over `.env` (`.env.local` is skipped for NODE_ENV=test).
 *
 * `dev` picks development's files (`pnpm dev`) over production's (`pnpm start`). Returns the
 * names of the files read (relative to `dir`).
 */
export function loadEnvFiles(dir: string, dev: boolean, say: (line: string) => void): string[] {
  // Next logs "Loaded env from ..." with console.log; stdout belongs to the command (a key
  // generated into a file), so the note goes where `say` puts it.
  const { loadedEnvFiles } = nextEnv.loadEnvConfig(dir, dev, {
    info: () => {},
    error: (...args: unknown[]) => say(args.map(String).join(" ")),
  });
  return loadedEnvFiles.map((file) => file.path);
}
