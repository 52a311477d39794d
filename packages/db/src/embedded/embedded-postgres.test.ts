// ensureEmbeddedPostgres across processes: start, reuse, stop, and recovery after kill -9.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { chmod, mkdtemp, readdir, rm, stat, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EmbeddedPostgresError } from "../errors";
import { type FixtureRun, isPortOpen, portOf, runFixture } from "../testing/fixtures/run-fixture";
import { watchSharedTmpdir } from "../testing/fixtures/shared-tmpdir";
import { ensureEmbeddedPostgres } from "./embedded-postgres";
import { readPostmasterPid, runningPostmaster, stopPostmaster } from "./postmaster";
import { isProcessAlive, processStartTime } from "./process-identity";

let root: string;
let dataDir: string;
const children: FixtureRun[] = [];

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "kit-ensure-"));
  await chmod(root, 0o755); // mkdtemp's 0700 would keep the `postgres` user out.
  dataDir = path.join(root, ".data");
});

afterEach(async () => {
  for (const run of children.splice(0)) {
    if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill("SIGKILL");
    await run.exited;
  }
  // Whatever a failed test left running in the folder goes before the folder does.
  const clusterDir = path.join(dataDir, "postgres");
  await stopPostmaster(clusterDir);
  await rm(root, { recursive: true, force: true });
});

function fixture(args: string[], options?: { ownGroup?: boolean }): FixtureRun {
  const run = runFixture("ensure-child.ts", args, options);
  children.push(run);
  return run;
}

async function currentDatabase(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ db: string }>("SELECT current_database() AS db");
    return rows[0]?.db ?? "";
  } finally {
    await client.end();
  }
}

/** Field 5 of /proc/<pid>/stat, after the parenthesised command name. */
function processGroupOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
}

async function rejection(promise: Promise<unknown>): Promise<EmbeddedPostgresError> {
  const error = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(EmbeddedPostgresError);
  return error as EmbeddedPostgresError;
}

describe("ensureEmbeddedPostgres", () => {
  it("starts a server, lets another process reuse it, and stops", async () => {
    const lines: string[] = [];
    const db = await ensureEmbeddedPostgres({ dataDir, log: (line) => lines.push(line) });
    expect(db.owned).toBe(true);
    expect(lines).toEqual([
      expect.stringMatching(/^started embedded PostgreSQL on port \d+ \(new cluster in /),
    ]);
    expect(await currentDatabase(db.url)).toBe("kit");
    const password = decodeURIComponent(new URL(db.url).password);
    expect(lines.join("\n")).not.toContain(password);
    expect((await stat(path.join(dataDir, "postgres.password"))).mode & 0o777).toBe(0o600);
    expect((await stat(dataDir)).mode & 0o777).toBe(0o755);

    // Another process (`pnpm db:migrate`, a seed script) connects to the same server, as the
    // same role (kit_app), instead of starting one, and migrates through it.
    expect(new URL(db.url).username).toBe("kit_app");
    const other = fixture([dataDir, "migrate"]);
    const seen = await other.firstLine;
    expect(seen).toMatchObject({ owned: false, url: db.url });
    expect(seen.log).toEqual([expect.stringMatching(/^reusing embedded PostgreSQL on port/)]);
    expect(seen.applied).toContain("20261125000000_init");
    expect((await other.exited).code).toBe(0);
    // It did not own the server, so its exit left the server running.
    expect(await currentDatabase(db.url)).toBe("kit");

    await db.stop();
    expect(await isPortOpen(portOf(db.url))).toBe(false);

    // Next time: same folder, same password, same port (when free), data kept.
    const again = await ensureEmbeddedPostgres({ dataDir, database: "other" });
    expect(again.owned).toBe(true);
    expect(portOf(again.url)).toBe(portOf(db.url));
    expect(await currentDatabase(again.url)).toBe("other");
    await again.stop();
  });

  // Security review: embedded-postgres wrote initdb's password file into the shared temporary
  // folder (0644 under the usual umask), readable by any local user until initdb ended.
  it("keeps initdb's password file out of the shared temporary folder", async () => {
    const shared = await watchSharedTmpdir();
    try {
      const db = await ensureEmbeddedPostgres({ dataDir });
      await db.stop();
      expect(shared.created()).toEqual([]);
      expect(process.env.TMPDIR).toBe(shared.dir);
    } finally {
      await shared.dispose();
    }
    // The private folder it used instead is gone again.
    expect((await readdir(dataDir)).filter((name) => name.includes("tmp"))).toEqual([]);
  });

  it("with create: false, opens an existing database and refuses a folder without one, untouched", async () => {
    const refused = await ensureEmbeddedPostgres({ dataDir, create: false }).catch((e) => e);
    expect(refused).toBeInstanceOf(EmbeddedPostgresError);
    expect(refused.code).toBe("NO_DATABASE_YET");
    await expect(stat(dataDir)).rejects.toThrow(/ENOENT/);
    const made = await ensureEmbeddedPostgres({ dataDir });
    await made.stop();
    const opened = await ensureEmbeddedPostgres({ dataDir, create: false });
    expect(await currentDatabase(opened.url)).toBe("kit");
    await opened.stop();
  });

  it("recovers a server orphaned by a process that was killed with SIGKILL", async () => {
    const owner = fixture([dataDir, "hold"]);
    const { url } = await owner.firstLine;
    const clusterDir = path.join(dataDir, "postgres");
    const orphan = readPostmasterPid(clusterDir);
    owner.child.kill("SIGKILL");
    expect((await owner.exited).signal).toBe("SIGKILL");
    // Nobody stopped it: it still holds the port and the folder.
    expect(await isPortOpen(portOf(String(url)))).toBe(true);

    const lines: string[] = [];
    const db = await ensureEmbeddedPostgres({ dataDir, log: (line) => lines.push(line) });
    expect(db.owned).toBe(true);
    expect(lines[0]).toMatch(/orphaned by processes that are gone/);
    expect(await currentDatabase(db.url)).toBe("kit");
    expect(orphan && isProcessAlive(orphan.pid)).toBe(false);
    await db.stop();
  });

  it("runs the server outside its owner's process group, which Ctrl-C reaches; the owner stops it", async () => {
    const owner = fixture([dataDir, "hold"], { ownGroup: true });
    await owner.firstLine;
    const clusterDir = path.join(dataDir, "postgres");
    const server = readPostmasterPid(clusterDir);
    if (!server) throw new Error("no postmaster.pid");
    // A terminal's SIGINT goes to its foreground group: an app that finishes its requests first
    // must not lose its database under them, so the server is not in that group.
    expect(processGroupOf(server.pid)).not.toBe(processGroupOf(owner.child.pid as number));

    process.kill(-(owner.child.pid as number), "SIGINT");
    expect((await owner.exited).code).toBe(130);
    // Left to its owner, it is still stopped as the owner ends.
    expect(isProcessAlive(server.pid)).toBe(false);
    expect(readPostmasterPid(clusterDir)).toBeNull();
  });

  it("starts normally over a stale postmaster.pid whose process is gone", async () => {
    const db = await ensureEmbeddedPostgres({ dataDir });
    await db.stop();
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    const clusterDir = path.join(dataDir, "postgres");
    await writeFile(
      path.join(clusterDir, "postmaster.pid"),
      `${dead}\n${clusterDir}\n1764000000\n${portOf(db.url)}\n\n127.0.0.1\n`,
    );
    const again = await ensureEmbeddedPostgres({ dataDir });
    expect(again.owned).toBe(true);
    expect(await currentDatabase(again.url)).toBe("kit");
    await again.stop();
  });

  it("lets two processes starting at once share one server", async () => {
    const [a, b] = [fixture([dataDir, "hold"]), fixture([dataDir, "hold"])];
    const results = await Promise.all([a.firstLine, b.firstLine]);
    expect(results.map((result) => result.owned).sort()).toEqual([false, true]);
    expect(results[0]?.url).toBe(results[1]?.url);
  });

  // A short command (`pnpm auth`, `pnpm db:migrate`) that started the server must not take it
  // away from a server (`pnpm start`) that joined it meanwhile: the last one to leave stops it.
  it("keeps the server for a process that joined after a command started it; the last one stops it", async () => {
    const done = path.join(root, "command-done");
    const command = fixture([dataDir, "until", done]);
    expect(await command.firstLine).toMatchObject({ owned: true });
    const app = fixture([dataDir, "hold"]);
    const joined = await app.firstLine;
    expect(joined.owned).toBe(false);
    expect(joined.log).toEqual([
      `reusing embedded PostgreSQL on port ${portOf(String(joined.url))} (in use by pid ${command.child.pid})`,
    ]);
    await writeFile(done, "");
    expect((await command.exited).code).toBe(0);

    // The command is gone; the server is not. (Its starter is gone too: what it writes to the
    // starter's pipes, an error here, must not bring it down.)
    const url = String(joined.url);
    await expect(currentDatabase(url.replace("/kit", "/no_such_database"))).rejects.toThrow();
    expect(await currentDatabase(url)).toBe("kit");

    // The joiner, the last user, stops it as it ends (here on SIGTERM, without a stop()).
    app.child.kill("SIGTERM");
    expect((await app.exited).code).toBe(143);
    expect(readPostmasterPid(path.join(dataDir, "postgres"))).toBeNull();
    expect(await isPortOpen(portOf(url))).toBe(false);
  });

  it("lets two commands at once both finish, then stops", async () => {
    const done = path.join(root, "first-done");
    const first = fixture([dataDir, "until", done]);
    expect(await first.firstLine).toMatchObject({ owned: true });
    const second = fixture([dataDir, "work", "3"]);
    expect(await second.firstLine).toMatchObject({ owned: false });
    // The first (which started the server) ends while the second is at work.
    await writeFile(done, "");
    const [a, b] = await Promise.all([first.exited, second.exited]);
    expect([a.code, b.code, b.stderr]).toEqual([0, 0, ""]);
    expect(readPostmasterPid(path.join(dataDir, "postgres"))).toBeNull();
  });

  it("hands the server over when its starter stops first, and the joiner's stop() stops it", async () => {
    const lines: string[] = [];
    const db = await ensureEmbeddedPostgres({ dataDir, log: (line) => lines.push(line) });
    const other = fixture([dataDir, "hold"]);
    await other.firstLine;
    await db.stop();
    expect(lines.at(-1)).toBe(`leaving embedded PostgreSQL running for pid ${other.child.pid}`);
    expect(await currentDatabase(db.url)).toBe("kit");
    other.child.kill("SIGTERM");
    await other.exited;
    expect(await isPortOpen(portOf(db.url))).toBe(false);

    // The other way round: this process joins, the starter ends, this process's stop() stops it.
    const starter = fixture([dataDir, "hold"]);
    await starter.firstLine;
    const joined = await ensureEmbeddedPostgres({ dataDir });
    expect(joined.owned).toBe(false);
    starter.child.kill("SIGTERM");
    await starter.exited;
    expect(await currentDatabase(joined.url)).toBe("kit");
    await joined.stop();
    expect(readPostmasterPid(path.join(dataDir, "postgres"))).toBeNull();
    expect(await isPortOpen(portOf(joined.url))).toBe(false);
  });

  it("stops, as the last to leave, a server that another process started again after it died", async () => {
    // The server under the app dies (an operator, the OOM killer); a command finds it down,
    // starts it again and leaves it running for the app; then the app ends.
    const clusterDir = path.join(dataDir, "postgres");
    const restartUnder = async (holderPid: number | undefined) => {
      const first = await stopPostmaster(clusterDir);
      if (!first) throw new Error("no server running");
      const command = fixture([dataDir, "report"]);
      const restarted = await command.firstLine;
      expect(restarted.owned).toBe(true);
      expect((await command.exited).code).toBe(0);
      // Left running for the holder that is still there.
      const now = runningPostmaster(clusterDir);
      expect(now, `left running for pid ${holderPid}`).not.toBeNull();
      expect(now?.pid).not.toBe(first.pid);
    };

    // Ending without a stop() (SIGTERM: the exit handler).
    const app = fixture([dataDir, "hold"]);
    expect(await app.firstLine).toMatchObject({ owned: true });
    await restartUnder(app.child.pid);
    app.child.kill("SIGTERM");
    expect((await app.exited).code).toBe(143);
    expect(runningPostmaster(clusterDir)).toBeNull();

    // Through stop(), in this process.
    const db = await ensureEmbeddedPostgres({ dataDir });
    expect(db.owned).toBe(true);
    await restartUnder(process.pid);
    await db.stop();
    expect(runningPostmaster(clusterDir)).toBeNull();
  });

  it("joins a server an older release started (postgres.json's owner, no holder file) and leaves it running", async () => {
    // The older release's server: a process holding it, the folder then made to look as that
    // release left it (its starter in postgres.json, no holders folder).
    const clusterDir = path.join(dataDir, "postgres");
    const older = fixture([dataDir, "hold"]);
    const started = await older.firstLine;
    const url = String(started.url);
    const pid = older.child.pid ?? 0;
    await rm(path.join(dataDir, "postgres.holders"), { recursive: true, force: true });
    const owner = { pid, startTime: processStartTime(pid) };
    await writeFile(
      path.join(dataDir, "postgres.json"),
      JSON.stringify({ port: portOf(url), owner }),
    );
    const before = runningPostmaster(clusterDir)?.pid;

    // This release's command (a `pnpm auth check` before the upgrade) comes and goes.
    const command = fixture([dataDir, "report"]);
    const joined = await command.firstLine;
    expect(joined.owned).toBe(false);
    expect(joined.log).toEqual([
      `reusing embedded PostgreSQL on port ${portOf(url)} (in use by pid ${pid})`,
    ]);
    expect((await command.exited).code).toBe(0);
    expect(runningPostmaster(clusterDir)?.pid).toBe(before);
    expect(await currentDatabase(url)).toBe("kit");

    // And the other way: a server this release starts names its starter where older ones look.
    older.child.kill("SIGTERM");
    await older.exited;
    const db = await ensureEmbeddedPostgres({ dataDir });
    const state = JSON.parse(readFileSync(path.join(dataDir, "postgres.json"), "utf8"));
    expect(state.owner).toEqual({ pid: process.pid, startTime: processStartTime(process.pid) });
    await db.stop();
  });

  it("keeps the server while this process still holds it from another call", async () => {
    const first = await ensureEmbeddedPostgres({ dataDir });
    const second = await ensureEmbeddedPostgres({ dataDir });
    expect([first.owned, second.owned]).toEqual([true, false]);
    await first.stop();
    expect(await currentDatabase(second.url)).toBe("kit");
    await second.stop();
    expect(await isPortOpen(portOf(first.url))).toBe(false);
  });

  it("refuses a data folder whose password file is gone (PASSWORD_FILE_MISSING)", async () => {
    const db = await ensureEmbeddedPostgres({ dataDir });
    await db.stop();
    await unlink(path.join(dataDir, "postgres.password"));
    const error = await rejection(ensureEmbeddedPostgres({ dataDir }));
    expect(error.code).toBe("PASSWORD_FILE_MISSING");
  });

  it.runIf(process.getuid?.() === 0)(
    "as root, refuses a folder the postgres user cannot enter (DATA_DIR_NOT_TRAVERSABLE)",
    async () => {
      await chmod(root, 0o700);
      const error = await rejection(ensureEmbeddedPostgres({ dataDir }));
      expect(error.code).toBe("DATA_DIR_NOT_TRAVERSABLE");
      expect(error.message).toContain(root);
    },
  );
});
