// Test helper: runs a fixture script in its own Node process (through tsx) and watches it.
import { type ChildProcess, spawn } from "node:child_process";
import { connect } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

const fixturesDir = path.dirname(fileURLToPath(import.meta.url));
const packageDir = path.resolve(fixturesDir, "..", "..");

export interface FixtureRun {
  child: ChildProcess;
  /** The first line the script prints, parsed as JSON. */
  firstLine: Promise<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

export function runFixture(script: string, args: string[]): FixtureRun {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(fixturesDir, script), ...args],
    {
      cwd: packageDir,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stdout = "";
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stderr: string;
  }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal, stderr })));
  const firstLine = new Promise<Record<string, unknown>>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const end = stdout.indexOf("\n");
      if (end >= 0) resolve(JSON.parse(stdout.slice(0, end)) as Record<string, unknown>);
    });
    void exited.then(({ code, signal }) =>
      reject(new Error(`${script} ended (${code ?? signal}) before printing: ${stderr}`)),
    );
  });
  firstLine.catch(() => {}); // Observed by the test when it matters.
  return { child, firstLine, exited };
}

/** Whether something accepts TCP connections on 127.0.0.1:`port` right now. */
export function isPortOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1" });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

export function portOf(url: string): number {
  return Number(new URL(url).port);
}
