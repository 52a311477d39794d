// Runs a command as a child with the app's .env files loaded: the root `pnpm auth`,
// `pnpm db:migrate` and `pnpm db:seed` go through it, so the kit's commands (which know nothing
// of Next.js) see the environment `pnpm start` sees.
import { spawn } from "node:child_process";
import { constants } from "node:os";
import { loadEnvFiles } from "./load-env-files";

const FORWARDED = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/**
 * Loads `dir`'s .env files, then runs `command` with that environment, the same stdin, stdout
 * and stderr (a password prompt still reaches the terminal), and resolves to its exit code.
 * A child killed by a signal is reported as the shell does (128 + the signal's number) after
 * this process re-raises the signal on itself where it can.
 */
export function runWithEnvFiles(dir: string, command: string[]): Promise<number> {
  // The note goes to stderr: stdout is the command's (`pnpm --silent auth keys generate >> file`).
  // Production's files unless NODE_ENV=development: what `pnpm start` runs (it sets
  // NODE_ENV=production), so an operator command reaches the database that server uses.
  const dev = process.env.NODE_ENV === "development";
  const loaded = loadEnvFiles(dir, dev, (line) => console.error(`[env] ${line}`));
  if (loaded.length > 0) {
    console.error(`[env] read ${loaded.join(", ")} from ${dir}`);
  }
  const [file, ...args] = command;
  if (!file) throw new TypeError("runWithEnvFiles: no command");
  const child = spawn(file, args, { stdio: "inherit", env: process.env });
  // A Ctrl-C at the terminal reaches the child on its own (same process group); a signal sent
  // to this process alone (kill, a supervisor) is passed on. Either way the child decides when
  // to stop, and this process waits for it.
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  for (const signal of FORWARDED) process.on(signal, forward);
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      for (const name of FORWARDED) process.off(name, forward);
      if (signal) {
        process.kill(process.pid, signal);
        resolve(128 + (constants.signals[signal] ?? 0));
        return;
      }
      resolve(code ?? 1);
    });
  });
}
