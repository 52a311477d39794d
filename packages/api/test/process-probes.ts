// Test helpers for servers run as processes: a login sent over its own connection whose sending
// and answer can be awaited apart (to signal a server with requests in flight), whether a
// process is still alive, and waiting for one to say it listens.
import type { ChildProcess } from "node:child_process";
import { request } from "node:http";

export interface Answer {
  status: number;
  /** Date.now() when the answer ended. */
  at: number;
}

/**
 * POSTs auth.login with `credentials` over a connection of its own: `sent` resolves once the
 * whole request is written to a connected socket (signal only then, so none can meet a closed
 * port), `answered` with the answer.
 */
export function loginInFlight(
  port: number,
  credentials: { email: string; password: string },
): { sent: Promise<void>; answered: Promise<Answer> } {
  const body = JSON.stringify(credentials);
  let markSent = () => {};
  const sent = new Promise<void>((resolve) => {
    markSent = resolve;
  });
  const answered = new Promise<Answer>((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method: "POST",
        path: "/api/trpc/auth.login",
        agent: false,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.once("end", () => resolve({ status: res.statusCode ?? 0, at: Date.now() }));
      },
    );
    req.once("error", reject);
    req.end(body, markSent);
  });
  return { sent, answered };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Resolves once `child` has printed `marker` (on stdout or stderr); rejects with all it printed
 * if it exits first.
 */
export function untilPrinted(child: ChildProcess, marker: string): Promise<void> {
  let output = "";
  return new Promise<void>((resolve, reject) => {
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(marker)) resolve();
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    child.once("exit", () => reject(new Error(`the server exited:\n${output}`)));
  });
}
