// `pnpm serve` on SIGTERM, as a container runtime or service manager sends it: it stops
// accepting, answers the logins already in flight, stops its embedded PostgreSQL, and exits 0.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "@kit/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAlive, loginInFlight } from "../../test/process-probes";

const apiDir = path.resolve(import.meta.dirname, "../..");
const SECRET = "serve-shutdown-0123456789-abcdefghijklmnopqrstuvwxyz";
const DEMO = { email: "demo@example.com", password: "demo-password" };
// Queued behind one hashing slot, these take long enough that most are still in flight when
// the signal lands.
// Six: enough that some are answered after the signal, few enough to finish well within the
// 10 s drain on a loaded machine (CI runs other suites beside this one).
const LOGINS = 6;

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "kit-serve-stop-"));
  // The embedded server runs as `postgres` when we are root: it must reach its folder.
  await chmod(dataDir, 0o755);
});
afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const login = (port: number) => loginInFlight(port, DEMO);

/**
 * The node process tsx runs the server in. Signalled itself, as a service manager signals the
 * server's process: tsx, in between, would SIGKILL a child that does not acknowledge a relayed
 * signal within 30 ms, which a busy server may not.
 */
function serverProcessOf(tsxPid: number): number {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue;
    }
    // Fields after the command (which may hold spaces) start after its closing parenthesis.
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (ppid === tsxPid) return Number(entry);
  }
  throw new Error(`no child of tsx (${tsxPid})`);
}

describe("pnpm serve on SIGTERM", () => {
  // A fresh data directory (initdb, migrations), a tsx start and up to a 10 s drain.
  it("answers the logins in flight, stops its PostgreSQL, and exits 0", {
    timeout: 180_000,
  }, async () => {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      AUTH_SECRET: SECRET,
      AUTH_HASH_CONCURRENCY: "1",
      // A login is charged to the burst budget until it succeeds: a dozen at once would exceed it.
      AUTH_RATE_LIMIT_LOGIN_BURST_FAILURES: "1000",
      LOG_LEVEL: "warn",
    };
    delete env.DATABASE_URL;
    delete env.NODE_ENV;
    const child: ChildProcess = spawn(
      path.join(apiDir, "node_modules", ".bin", "tsx"),
      ["src/bin/serve.ts"],
      { cwd: apiDir, env, stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    const listening = new Promise<void>((resolve, reject) => {
      const collect = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("standalone tRPC server on")) resolve();
      };
      child.stdout?.on("data", collect);
      child.stderr?.on("data", collect);
      void exited.then(() => reject(new Error(`pnpm serve exited:\n${output}`)));
    });
    try {
      await listening;
      const pidFile = path.join(dataDir, "postgres", "postmaster.pid");
      const postgresPid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
      expect(isAlive(postgresPid)).toBe(true);
      expect((await login(port).answered).status).toBe(200);

      const logins = Array.from({ length: LOGINS }, () => login(port));
      await Promise.all(logins.map(({ sent }) => sent));
      const server = serverProcessOf(child.pid as number);
      const signalledAt = Date.now();
      process.kill(server, "SIGTERM");
      const answers = await Promise.all(logins.map(({ answered }) => answered));

      expect(answers.map(({ status }) => status)).toEqual(Array(LOGINS).fill(200));
      // Otherwise the test proved nothing: some logins must have been answered after the signal.
      expect(answers.filter(({ at }) => at > signalledAt).length).toBeGreaterThan(0);
      expect(await exited).toBe(0);
      expect(output).toContain("SIGTERM: finishing the requests in flight");
      expect(existsSync(pidFile)).toBe(false);
      expect(isAlive(postgresPid)).toBe(false);
      // And the port is closed: a new connection is refused.
      await expect(login(port).answered).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      // Never SIGKILL: the server and its embedded PostgreSQL would be left running.
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
    }
  });
});
