import type { ChildProcess } from "node:child_process";

export interface ProcessRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Feeds `input` to a child spawned with piped stdio and waits for it to exit, collecting what it
 * printed: tests of command-line tools judge them as an operator would, by output and exit code.
 * A child that cannot start at all rejects, rather than reading as a silent exit.
 */
export function runToEnd(child: ChildProcess, input?: string): Promise<ProcessRun> {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdin?.end(input ?? "");
  return new Promise<ProcessRun>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}
