// `pnpm start` on SIGTERM, as a container runtime or service manager sends it, alone and as a
// cluster: it stops accepting, answers the logins already in flight, stops the embedded
// PostgreSQL, and exits 0. (Needs `pnpm build`, like built-app.test.ts.) And `pnpm dev` on Ctrl-C.
import type { ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { isAlive, loginInFlight } from "@kit/api/testing";
import { describe, expect, it, onTestFinished } from "vitest";
import { freshDataDir, type StartedApp, startApp, stopApp, webDir } from "./testing/app-process";

const DEMO = { email: "demo@example.com", password: "demo-password" };
// Queued behind one hashing slot per process, most are still in flight when the signal lands.
// Six: enough that some are answered after the signal, few enough to finish well within the
// 10 s drain on a loaded machine (CI runs other suites beside this one).
const LOGINS = 6;

const login = (port: number) => loginInFlight(port, DEMO);

/** The embedded PostgreSQL's pid file under `dataDir`, and the pid it names (running now). */
function postgresOf(dataDir: string) {
  const pidFile = path.join(dataDir, "postgres", "postmaster.pid");
  const postgresPid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  expect(isAlive(postgresPid)).toBe(true);
  return { pidFile, postgresPid };
}

/** The command lines of `pid`'s child processes (Linux's /proc). */
function commandsOfChildren(pid: number): string[] {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/);
  return children
    .filter(Boolean)
    .map((child) =>
      readFileSync(`/proc/${child}/cmdline`, "utf8").split("\0").filter(Boolean).join(" "),
    );
}

/** Exit 0, the embedded PostgreSQL stopped and gone, and nobody answering on the port. */
async function expectStoppedCleanly(
  exited: Promise<number | null>,
  { pidFile, postgresPid }: ReturnType<typeof postgresOf>,
  port: number,
) {
  expect(await exited).toBe(0);
  expect(existsSync(pidFile)).toBe(false);
  expect(isAlive(postgresPid)).toBe(false);
  await expect(login(port).answered).rejects.toThrow(/ECONNREFUSED/);
}

/**
 * Sends logins that queue behind one hashing slot, signals while they are in flight, and expects
 * every one answered 200 (each needs the database after its hash: none may find it stopped).
 *
 * In flight means the server has them: the signal waits for the first answer. (Connections the
 * server has not accepted yet when the signal comes are the next test's case.)
 */
async function expectLoginsAnswered(port: number, signal: () => void, output: () => string) {
  const logins = Array.from({ length: LOGINS }, () => login(port));
  await Promise.all(logins.map(({ sent }) => sent));
  await Promise.race(logins.map(({ answered }) => answered.catch(() => undefined)));
  const signalledAt = Date.now();
  signal();
  const answers = await allAnswered(logins, output);
  // Otherwise the test proved nothing: some logins must have been answered after the signal.
  expect(answers.filter(({ at }) => at > signalledAt).length).toBeGreaterThan(0);
}

/** Expects every login answered 200 (an error's message stands for its status), printing the
 * server's output when one was not. */
async function allAnswered(logins: ReturnType<typeof login>[], output: () => string) {
  const answers = await Promise.all(
    logins.map(({ answered }) =>
      answered.catch((error: Error) => ({ status: error.message, at: Date.now() })),
    ),
  );
  if (answers.some(({ status }) => status !== 200)) console.log(output());
  expect(answers.map(({ status }) => status)).toEqual(Array(LOGINS).fill(200));
  return answers;
}

interface RunningApp {
  child: ChildProcess;
  port: number;
  output: () => string;
  postgres: ReturnType<typeof postgresOf>;
  exited: Promise<number | null>;
}

/** Starts an app on a fresh data folder, runs `body` on it, and leaves nothing running. */
async function withApp(
  prefix: string,
  start: (dataDir: string) => Promise<StartedApp>,
  body: (app: RunningApp) => Promise<void>,
): Promise<void> {
  const dataDir = await freshDataDir(prefix);
  try {
    const started = await start(dataDir);
    const child = started.process;
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    // A test that times out leaves `body` running and never reaches `finally` before the run
    // ends: the app and its PostgreSQL would outlive it (seen on a starved machine). The
    // `finally` still stops it first in the usual case: before its folder is removed.
    onTestFinished(() => stopApp(child));
    try {
      const port = Number(new URL(started.base).port);
      await body({ child, port, output: started.output, postgres: postgresOf(dataDir), exited });
    } finally {
      await stopApp(child);
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

describe.each([
  ["one process", "1"],
  ["a cluster (WEB_CONCURRENCY=2)", "2"],
])("pnpm start on SIGTERM, %s", (_, workers) => {
  it("answers the logins in flight, stops the embedded PostgreSQL, and exits 0", async () => {
    if (!existsSync(path.join(webDir, "dist", "server.mjs"))) {
      throw new Error("apps/web is not built: run `pnpm build` first.");
    }
    // What `pnpm start` runs (start.mjs → dist/server.mjs), in plain node: the signal reaches
    // the server itself, as a service manager's would.
    const start = (dataDir: string) =>
      startApp(dataDir, {
        WEB_CONCURRENCY: workers,
        AUTH_HASH_CONCURRENCY: "1",
        // A login is charged to the burst budget until it succeeds: six at once would exceed it.
        AUTH_RATE_LIMIT_LOGIN_BURST_FAILURES: "1000",
        LOG_LEVEL: "warn",
      });
    await withApp("kit-web-stop-", start, async ({ child, port, output, postgres, exited }) => {
      expect((await login(port).answered).status).toBe(200);
      await expectLoginsAnswered(port, () => child.kill("SIGTERM"), output);
      await expectStoppedCleanly(exited, postgres, port);
    });
  });
});

describe("pnpm start, signalled as pnpm (a container whose command is `pnpm start`)", () => {
  it("passes SIGTERM on to the server, which stops the embedded PostgreSQL; pnpm exits 0", async () => {
    const start = (dataDir: string) => startApp(dataDir, { LOG_LEVEL: "warn" }, undefined, "pnpm");
    await withApp("kit-web-stop-pnpm-", start, async ({ child, port, postgres, exited }) => {
      // The scripts `exec` the next step, so no shell sits between pnpm and the server to end
      // without passing the signal on (which would leave the server running on its own), and
      // no second pnpm either (it stayed resident beside the server, ~90 MB).
      expect(commandsOfChildren(child.pid as number)).toEqual([
        "node start.mjs --hostname 127.0.0.1",
      ]);
      child.kill("SIGTERM");
      await expectStoppedCleanly(exited, postgres, port);
    });
  });
});

describe.each([
  ["one process", "1"],
  ["a cluster (WEB_CONCURRENCY=2)", "2"],
])("pnpm start on Ctrl-C in a terminal, %s", (_, workers) => {
  it("takes the copies of SIGINT that reach pnpm, the server and its workers as one, answers the logins in flight, exits 0", async () => {
    const start = (dataDir: string) =>
      startApp(
        dataDir,
        {
          WEB_CONCURRENCY: workers,
          AUTH_HASH_CONCURRENCY: "1",
          AUTH_RATE_LIMIT_LOGIN_BURST_FAILURES: "1000",
          LOG_LEVEL: "warn",
        },
        undefined,
        "pnpm",
        { ownGroup: true },
      );
    await withApp("kit-web-ctrl-c-", start, async ({ child, port, output, postgres, exited }) => {
      expect((await login(port).answered).status).toBe(200);
      // A terminal sends SIGINT to every process of its foreground group; pnpm passes its own
      // copy on, so the server gets it twice, and each worker from the primary as well. The
      // embedded PostgreSQL is not in that group: it stops after the logins in flight.
      await expectLoginsAnswered(
        port,
        () => process.kill(-(child.pid as number), "SIGINT"),
        output,
      );
      await expectStoppedCleanly(exited, postgres, port);
      expect(output()).not.toContain("ELIFECYCLE");
      expect(output()).not.toContain("LISTENER_CONNECTION_LOST");
    });
  });
});

// On a starved machine (CI runs the soak beside these), all six logins of the Ctrl-C test were
// once reset in a cluster: its primary had accepted them but not handed them on when the workers,
// idle a while, stopped listening at once, and a primary resets what it holds then.
describe("pnpm start as a cluster, its primary starved of CPU when Ctrl-C comes", () => {
  it("hands on the logins it accepted late, and the workers answer them all", async () => {
    const start = (dataDir: string) =>
      startApp(
        dataDir,
        {
          WEB_CONCURRENCY: "2",
          AUTH_RATE_LIMIT_LOGIN_BURST_FAILURES: "1000",
          LOG_LEVEL: "warn",
        },
        undefined,
        "node",
        { ownGroup: true },
      );
    await withApp("kit-web-starved-", start, async ({ child, port, output, postgres, exited }) => {
      const primary = child.pid as number;
      expect((await login(port).answered).status).toBe(200);
      // Idle a while, as a server mostly is: the workers' last connection is long past.
      await new Promise((resolve) => setTimeout(resolve, 400));
      // Stopped, the primary holds the connections in its listen backlog, as one the machine
      // gives no CPU for a moment would: accepted late, handed to the workers after the signal.
      process.kill(primary, "SIGSTOP");
      let logins: ReturnType<typeof login>[];
      try {
        logins = Array.from({ length: LOGINS }, () => login(port));
        await Promise.all(logins.map(({ sent }) => sent));
        process.kill(-primary, "SIGINT");
        // Longer than the workers wait for stragglers once nothing arrives (graceful-close.ts).
        await new Promise((resolve) => setTimeout(resolve, 600));
      } finally {
        process.kill(primary, "SIGCONT");
      }
      await allAnswered(logins, output);
      await expectStoppedCleanly(exited, postgres, port);
    });
  });
});

describe("pnpm dev on Ctrl-C in a terminal", () => {
  it("stops the embedded PostgreSQL and exits 0, with no ELIFECYCLE from pnpm", async () => {
    const start = (dataDir: string) =>
      startApp(dataDir, { NODE_ENV: "development", LOG_LEVEL: "warn" }, [], "pnpm dev", {
        ownGroup: true,
      });
    await withApp(
      "kit-web-dev-ctrl-c-",
      start,
      async ({ child, port, output, postgres, exited }) => {
        expect((await login(port).answered).status).toBe(200);
        process.kill(-(child.pid as number), "SIGINT");
        await expectStoppedCleanly(exited, postgres, port);
        expect(output()).not.toContain("ELIFECYCLE");
      },
    );
  });
});
