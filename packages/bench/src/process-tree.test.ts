// Process-tree RSS and CPU time from a /proc fixture: a pnpm → tsx → server chain with PostgreSQL under it.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  cpuSnapshotOf,
  cpuSpent,
  nodeRssOf,
  parseRssKb,
  parseStat,
  programOfExe,
  readProcEntries,
} from "./process-tree";

const fixture = fileURLToPath(new URL("./fixtures/proc", import.meta.url));

describe("process tree RSS", () => {
  it("parses a stat line whose comm holds spaces and parentheses", () => {
    expect(parseStat("105 (node (worker) x) S 103 105 105 0 -1 4194560 9 0 0 0 70 8 0 0")).toEqual({
      pid: 105,
      comm: "node (worker) x",
      ppid: 103,
      cpuTicks: 78,
    });
  });

  it("reads VmRSS, and 0 where a zombie lists none", () => {
    expect(parseRssKb("Name:\tnode\nVmRSS:\t  2048 kB\n")).toBe(2048);
    expect(parseRssKb("Name:\tnode\nState:\tZ (zombie)\n")).toBe(0);
  });

  it("sums the node processes under the spawned pid, not PostgreSQL nor strangers", () => {
    const rss = nodeRssOf(100, readProcEntries(fixture));
    // 101 (pnpm) 50 MB + 102 (tsx) 40 MB + 103 (server) 150 MB + 107 (worker) 100 MB + 106
    // (zombie) 0 + 108 (a worker on Node 24, whose main thread is named MainThread) 80 MB; not
    // 109, another program whose thread has that name, nor 105, named otherwise without a link.
    expect(rss.totalMb).toBe(420);
    expect(rss.largestMb).toBe(150);
    expect(rss.processes.map((p) => p.pid)).toEqual([103, 107, 108, 101, 102, 106]);
  });

  it("knows a process by its program where /proc links it, by its comm where not", () => {
    const entries = readProcEntries(fixture);
    const program = (pid: number) => entries.find((entry) => entry.pid === pid)?.program;
    expect([program(108), program(109), program(103)]).toEqual(["node", "browser", "node"]);
  });

  it("reads CPU ticks of the same node processes, and of PostgreSQL apart", () => {
    // utime + stime: 101, 102, 106 two ticks each, 103 (server) 350, 107 (worker) 200, 108 (a
    // worker on Node 24) 100; 104 (postgres) 50.
    const snapshot = cpuSnapshotOf(100, readProcEntries(fixture), 100);
    expect([...snapshot.server].sort(([a], [b]) => a - b)).toEqual([
      [101, 2],
      [102, 2],
      [103, 350],
      [106, 2],
      [107, 200],
      [108, 100],
    ]);
    expect([...snapshot.postgres]).toEqual([[104, 50]]);
    expect(cpuSnapshotOf(999, readProcEntries(fixture), 100).server.size).toBe(0);
  });

  it("counts CPU spent between snapshots per process: new ones whole, gone ones not at all", () => {
    const before = {
      hz: 100,
      server: new Map([
        [1, 100],
        [2, 50],
      ]),
      postgres: new Map([
        [10, 30],
        [11, 500],
      ]),
    };
    const after = {
      hz: 100,
      server: new Map([
        [1, 160],
        [2, 50],
        [3, 5],
      ]),
      // 11 exited (its 500 ticks vanish from /proc); 12 is a backend started in between.
      postgres: new Map([
        [10, 40],
        [12, 7],
      ]),
    };
    expect(cpuSpent(before, after)).toEqual({ serverMs: 650, postgresMs: 170 });
  });

  it("is empty for a pid that has gone", () => {
    expect(nodeRssOf(999, readProcEntries(fixture))).toEqual({
      processes: [],
      totalMb: 0,
      largestMb: 0,
    });
  });

  it("names a program by its binary, also one replaced while it runs", () => {
    expect(programOfExe("/usr/bin/node")).toBe("node");
    expect(programOfExe("/opt/node-v26/bin/node (deleted)")).toBe("node");
    expect(programOfExe("/usr/lib/postgresql/15/bin/postgres")).toBe("postgres");
  });
});
