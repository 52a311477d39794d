// `pnpm start` on SIGTERM, as a container runtime or service manager sends it, alone and as a
// cluster: it stops accepting, answers the logins already in flight, stops the embedded
// PostgreSQL, and exits 0. (Needs `pnpm build`, like built-app.test.ts.)
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "@kit/db/testing";
import { describe, expect, it } from "vitest";

const webDir = path.resolve(import.meta.dirname, "../..");
const DEMO = { email: "demo@example.com", password: "demo-password" };
// Queued behind one hashing slot per process, most are still in flight when the signal lands.
// Six: enough that some are answered after the signal, few enough to finish well within the
// 10 s drain on a loaded machine (CI runs other suites beside this one).
const LOGINS = 6;

interface Answer {
  status: number | string;
  at: number;
}

/**
 * A login over its own connection: `sent` once the whole request is written to a connected
 * socket (the test signals only then, so none can meet a closed port), `answered` with the answer.
 */
function login(port: number): { sent: Promise<void>; answered: Promise<Answer> } {
  const body = JSON.stringify(DEMO);
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

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe.each([
  ["one process", "1"],
  ["a cluster (WEB_CONCURRENCY=2)", "2"],
])("pnpm start on SIGTERM, %s", (_, workers) => {
  it("answers the logins in flight, stops the embedded PostgreSQL, and exits 0", async () => {
    if (!existsSync(path.join(webDir, "dist", "server.mjs"))) {
      throw new Error("apps/web is not built: run `pnpm build` first.");
    }
    const dataDir = await mkdtemp(path.join(tmpdir(), "kit-web-stop-"));
    // The embedded server runs as `postgres` when we are root: it must reach its folder.
    await chmod(dataDir, 0o755);
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      DATA_DIR: dataDir,
      NODE_ENV: "production",
      WEB_CONCURRENCY: workers,
      AUTH_HASH_CONCURRENCY: "1",
      // A login is charged to the burst budget until it succeeds: a dozen at once would exceed it.
      AUTH_RATE_LIMIT_LOGIN_BURST_FAILURES: "1000",
      LOG_LEVEL: "warn",
    };
    delete env.DATABASE_URL;
    delete env.AUTH_SECRET;
    delete env.HOST;
    // What `pnpm start` runs (start.mjs → dist/server.mjs), in plain node: the signal reaches
    // the server itself, as a service manager's would (tsx would stand between them).
    const app: ChildProcess = spawn(process.execPath, ["start.mjs", "--hostname", "127.0.0.1"], {
      cwd: webDir,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    app.stdout?.on("data", (chunk) => {
      output += chunk;
    });
    app.stderr?.on("data", (chunk) => {
      output += chunk;
    });
    const exited = new Promise<number | null>((resolve) => app.once("exit", resolve));
    try {
      const deadline = Date.now() + 120_000;
      while (!output.includes("[web] ready on")) {
        if (app.exitCode !== null) throw new Error(`pnpm start exited early:\n${output}`);
        if (Date.now() > deadline) throw new Error(`pnpm start did not start:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const pidFile = path.join(dataDir, "postgres", "postmaster.pid");
      const postgresPid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
      expect(isAlive(postgresPid)).toBe(true);
      expect((await login(port).answered).status).toBe(200);

      const logins = Array.from({ length: LOGINS }, () => login(port));
      await Promise.all(logins.map(({ sent }) => sent));
      const signalledAt = Date.now();
      app.kill("SIGTERM");
      const answers = await Promise.all(
        logins.map(({ answered }) =>
          answered.catch((error: Error) => ({ status: error.message, at: Date.now() })),
        ),
      );
      if (answers.some(({ status }) => status !== 200)) console.log(output);

      expect(answers.map(({ status }) => status)).toEqual(Array(LOGINS).fill(200));
      // Otherwise the test proved nothing: some logins must have been answered after the signal.
      expect(answers.filter(({ at }) => at > signalledAt).length).toBeGreaterThan(0);
      expect(await exited).toBe(0);
      expect(existsSync(pidFile)).toBe(false);
      expect(isAlive(postgresPid)).toBe(false);
      await expect(login(port).answered).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      // Never SIGKILL: tsx's child and the embedded PostgreSQL would be left running.
      if (app.exitCode === null && app.signalCode === null) {
        app.kill("SIGTERM");
        await exited;
      }
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
