// The holders folder: who uses an embedded server, counted so the last to leave stops it.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  holdServer,
  holdsServer,
  otherHolders,
  releaseKeepsRunning,
  releaseServer,
} from "./holders";
import { processStartTime } from "./process-identity";

let dir: string;

beforeEach(async () => {
  dir = path.join(await mkdtemp(path.join(tmpdir(), "kit-holders-")), "postgres.holders");
});

afterEach(async () => {
  while (holdsServer(dir)) releaseServer(dir);
  await rm(path.dirname(dir), { recursive: true, force: true });
});

describe("holders", () => {
  it("counts this process's holds, and removes its file at the last", async () => {
    expect(holdsServer(dir)).toBe(false);
    expect(holdServer(dir)).toBe(false);
    expect(holdServer(dir)).toBe(true);
    expect(await readdir(dir)).toEqual([String(process.pid)]);
    // Still held by the other call: the caller must not stop the server.
    expect(releaseServer(dir)).toHaveLength(1);
    expect(existsSync(path.join(dir, String(process.pid)))).toBe(true);
    expect(releaseServer(dir)).toEqual([]);
    expect(await readdir(dir)).toEqual([]);
    expect(holdsServer(dir)).toBe(false);
  });

  it("gives a server's keepRunning: true while another hold remains, false at the last", () => {
    holdServer(dir);
    holdServer(dir);
    const keepRunning = releaseKeepsRunning(dir);
    expect(keepRunning()).toBe(true);
    expect(keepRunning()).toBe(false);
    expect(holdsServer(dir)).toBe(false);
  });

  it("counts live processes, forgets dead ones, and leaves a file being written alone", async () => {
    holdServer(dir);
    const live = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"]);
    try {
      const livePid = live.pid as number;
      const dead = spawnSync(process.execPath, ["-e", ""]).pid;
      const identity = { pid: livePid, startTime: processStartTime(livePid) };
      await writeFile(path.join(dir, String(livePid)), JSON.stringify(identity));
      await writeFile(path.join(dir, String(dead)), JSON.stringify({ pid: dead, startTime: null }));
      // Its PID now belongs to another process: not the holder that wrote it.
      await writeFile(
        path.join(dir, "1"),
        JSON.stringify({ pid: 1, startTime: `${processStartTime(1)}0` }),
      );
      await writeFile(path.join(dir, "999999"), "");

      expect(otherHolders(dir)).toEqual([identity]);
      expect((await readdir(dir)).sort()).toEqual(
        [String(livePid), String(process.pid), "999999"].sort(),
      );
      expect(releaseServer(dir)).toEqual([identity]);
    } finally {
      live.kill();
    }
  });
});
