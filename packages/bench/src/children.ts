// Every process the bench starts runs in a process group of its own, and every group ends with
// the bench: on a normal end, an error, Ctrl-C or SIGTERM.
import { type ChildProcess, type SpawnOptions, spawn } from "node:child_process";

const groups = new Set<number>();

function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** spawn(), detached into a new process group that the bench will end if nobody else does. */
export function spawnGroup(
  command: string,
  args: string[],
  options: SpawnOptions = {},
): ChildProcess {
  const child = spawn(command, args, { ...options, detached: true });
  const { pid } = child;
  if (pid !== undefined) {
    groups.add(pid);
    child.once("exit", () => {
      // The leader is gone; stragglers in its group (a server's own children) may not be.
      if (!signalGroup(pid, 0)) groups.delete(pid);
    });
  }
  return child;
}

/** SIGTERM to the child's whole group; waits until no member is left (SIGKILL after `graceMs`). */
export async function stopGroup(child: ChildProcess, graceMs = 15_000): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  signalGroup(pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (signalGroup(pid, 0)) {
    if (Date.now() > deadline) signalGroup(pid, "SIGKILL");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  groups.delete(pid);
}

let installed = false;

/** Ends every group still running when the bench exits or is interrupted. */
export function endChildrenWithProcess(): void {
  if (installed) return;
  installed = true;
  const endAll = () => {
    for (const pid of groups) signalGroup(pid, "SIGTERM");
  };
  process.on("exit", endAll);
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    process.on(signal, () => {
      console.error(`\n[bench] ${signal}: stopping every server it started`);
      endAll();
      // Give servers their graceful shutdown (embedded PostgreSQL stops with its server).
      setTimeout(() => process.exit(code), 3_000).unref();
    });
  }
}
