// Test helper: the app's servers as processes, as a user starts them — `pnpm start` (the launcher
// and the compiled server in front of the build) and `pnpm serve` (the launcher and the compiled
// standalone server) — each on its own data folder.
import { type ChildProcess, spawn } from "node:child_process";
import { chmod, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { withoutEnvFiles } from "@kit/api/testing/env-isolation";
import { freePort } from "@kit/db/testing";

export const webDir = path.resolve(import.meta.dirname, "../../..");

export interface StartedApp {
  process: ChildProcess;
  base: string;
  /** Everything it printed so far. */
  output: () => string;
}

/**
 * What `pnpm start` runs (the compiled server.ts in front of the built app), answering on
 * `base`; by default told `--hostname 127.0.0.1`, and HOST from this environment is not passed on.
 * `launcher`: `"node"` runs `node start.mjs` in apps/web (the process is the server itself);
 * `"pnpm"` runs `pnpm start` at the workspace root, as the README says (the process is pnpm's);
 * `"pnpm dev"` runs `pnpm dev` there (give it NODE_ENV=development in `extraEnv`).
 * `ownGroup`: in a process group of its own, as a terminal starts a command, so that a test can
 * signal the whole group as Ctrl-C does (`process.kill(-pid, "SIGINT")`).
 */
export async function startApp(
  dataDir: string,
  extraEnv: Record<string, string> = {},
  args: string[] = ["--hostname", "127.0.0.1"],
  launcher: "node" | "pnpm" | "pnpm dev" = "node",
  options: { ownGroup?: boolean } = {},
): Promise<StartedApp> {
  // A port found free may be taken by another test's server before the app listens on it (it
  // starts its database first, seconds later; seen in CI): then started again on another.
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startOnce(dataDir, extraEnv, args, launcher, options);
    } catch (error) {
      if (!(error instanceof PortTakenError) || attempt === 3) throw error;
    }
  }
}

/** The app could not listen: the port picked for it was taken meanwhile. */
class PortTakenError extends Error {}

async function startOnce(
  dataDir: string,
  extraEnv: Record<string, string>,
  args: string[],
  launcher: "node" | "pnpm" | "pnpm dev",
  { ownGroup = false }: { ownGroup?: boolean },
): Promise<StartedApp> {
  // PORT=0 in `extraEnv`: the system picks the port, and the app is found where it says it is.
  const port = extraEnv.PORT === "0" ? null : await freePort();
  let base = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    DATA_DIR: dataDir,
    NODE_ENV: "production",
    ...extraEnv,
  };
  delete env.DATABASE_URL;
  delete env.AUTH_SECRET;
  if (!("HOST" in extraEnv)) delete env.HOST;
  const isolated = withoutEnvFiles(env);
  // "node": the launcher and the compiled server on plain node, without the script's settings.
  const { child, printed } =
    launcher === "node"
      ? spawnCollecting(process.execPath, ["start.mjs", ...args], isolated, webDir, ownGroup)
      : spawnCollecting(
          "pnpm",
          [launcher === "pnpm" ? "start" : "dev", ...args],
          isolated,
          path.resolve(webDir, "../.."),
          ownGroup,
        );
  const deadline = Date.now() + 90_000;
  await stoppedIfFailing(child, async () => {
    for (;;) {
      if (child.exitCode !== null) {
        const text = `pnpm start exited early:\n${printed()}`;
        const taken = port !== null && !("PORT" in extraEnv) && printed().includes("EADDRINUSE");
        throw taken ? new PortTakenError(text) : new Error(text);
      }
      const said = port === null ? /\[web\] ready on (http:\/\/\S+:\d+)/.exec(printed()) : null;
      if (said?.[1]) base = said[1];
      try {
        const res = await fetch(`${base}/`, { signal: AbortSignal.timeout(5000) });
        if (res.ok) break;
      } catch {}
      if (Date.now() > deadline) {
        throw new Error(`pnpm start did not answer in time:\n${printed()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  });
  return { process: child, base, output: printed };
}

/** Starts `command` in `cwd` (default apps/web), keeping everything it prints. */
function spawnCollecting(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string = webDir,
  detached = false,
) {
  const child = spawn(command, args, { cwd, env, detached, stdio: ["ignore", "pipe", "pipe"] });
  let printed = "";
  const collect = (chunk: Buffer) => {
    printed += chunk;
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  return { child, printed: () => printed };
}

/**
 * Runs `waiting` (the wait for a started child to answer) and, when it throws, stops the child
 * before passing the error on: a start that failed must not leave a server and its embedded
 * PostgreSQL running after the test run.
 */
async function stoppedIfFailing(child: ChildProcess, waiting: () => Promise<void>): Promise<void> {
  try {
    await waiting();
  } catch (error) {
    await stopApp(child);
    throw error;
  }
}

/**
 * Stops a started app the way Ctrl-C would, and waits for it (and its database) to go. Never
 * SIGKILL: the embedded PostgreSQL would be left running.
 */
export async function stopApp(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  // Its whole group when it has one of its own (`pnpm dev`'s server is a grandchild).
  try {
    process.kill(-(child.pid as number), "SIGTERM");
  } catch {
    child.kill("SIGTERM");
  }
  await exited;
}

/** A fresh data folder; the embedded server runs as `postgres` when we are root: it must reach it. */
export async function freshDataDir(prefix: string): Promise<string> {
  const folder = await mkdtemp(path.join(tmpdir(), prefix));
  await chmod(folder, 0o755);
  return folder;
}

/**
 * What `pnpm serve` runs (serve.mjs and the compiled serve.ts: the app's router on the standalone
 * server, so it needs `pnpm build` like startApp) on `dataDir`, answering on `base` once it says
 * it listens. `launcher` as for startApp: `"pnpm"` runs `pnpm serve` at the workspace root.
 */
export async function startServe(
  dataDir: string,
  extraEnv: Record<string, string> = {},
  launcher: "node" | "pnpm" = "node",
): Promise<StartedApp> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    DATA_DIR: dataDir,
    HOST: "127.0.0.1",
    NODE_ENV: "production",
    ...extraEnv,
  };
  delete env.DATABASE_URL;
  delete env.AUTH_SECRET;
  const isolated = withoutEnvFiles(env);
  // "node": the launcher and the compiled serve.ts on plain node, without the script's settings.
  const { child, printed } =
    launcher === "node"
      ? spawnCollecting(process.execPath, ["serve.mjs"], isolated)
      : spawnCollecting("pnpm", ["serve"], isolated, path.resolve(webDir, "../.."));
  const deadline = Date.now() + 90_000;
  await stoppedIfFailing(child, async () => {
    while (!printed().includes("[api] standalone tRPC server on")) {
      if (child.exitCode !== null) throw new Error(`pnpm serve exited early:\n${printed()}`);
      if (Date.now() > deadline) throw new Error(`pnpm serve did not start:\n${printed()}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  });

  return { process: child, base: `http://127.0.0.1:${port}`, output: printed };
}
