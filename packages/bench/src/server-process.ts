// A server under test as a child process: started in its own group, ready when it answers HTTP.
import type { ChildProcess } from "node:child_process";
import { spawnGroup, stopGroup } from "./children";

export interface ServerSpec {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  port: number;
  /** Any HTTP answer here means ready (servers listen only once their runtime is). */
  readyPath: string;
}

export interface RunningServer {
  base: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 180_000;

export async function startServer(spec: ServerSpec): Promise<RunningServer> {
  const child = spawnGroup(spec.command, spec.args, {
    cwd: spec.cwd,
    env: spec.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const collect = (chunk: Buffer) => {
    // Keep the tail only: a server under load may log per request.
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const base = `http://127.0.0.1:${spec.port}`;
  const server = { base, child, output: () => output, stop: () => stopGroup(child) };

  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await server.stop(); // what it started may outlive it (an embedded PostgreSQL)
      throw new Error(`${spec.command} ${spec.args.join(" ")} exited before it served:\n${output}`);
    }
    try {
      await fetch(`${base}${spec.readyPath}`, { signal: AbortSignal.timeout(2_000) });
      return server;
    } catch {}
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`no answer within ${START_TIMEOUT_MS} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
