// Process-tree RSS from a /proc fixture: a pnpm → tsx → server chain with PostgreSQL under it.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { nodeRssOf, parseRssKb, parseStat, readProcEntries } from "./process-tree";

const fixture = fileURLToPath(new URL("./fixtures/proc", import.meta.url));

describe("process tree RSS", () => {
  it("parses a stat line whose comm holds spaces and parentheses", () => {
    expect(parseStat("105 (node (worker) x) S 103 105 105 0")).toEqual({
      pid: 105,
      comm: "node (worker) x",
      ppid: 103,
    });
  });

  it("reads VmRSS, and 0 where a zombie lists none", () => {
    expect(parseRssKb("Name:\tnode\nVmRSS:\t  2048 kB\n")).toBe(2048);
    expect(parseRssKb("Name:\tnode\nState:\tZ (zombie)\n")).toBe(0);
  });

  it("sums the node processes under the spawned pid, not PostgreSQL nor strangers", () => {
    const rss = nodeRssOf(100, readProcEntries(fixture));
    // 101 (pnpm) 50 MB + 102 (tsx) 40 MB + 103 (server) 150 MB + 107 (worker) 100 MB + 106 (zombie) 0.
    expect(rss.totalMb).toBe(340);
    expect(rss.largestMb).toBe(150);
    expect(rss.processes.map((p) => p.pid)).toEqual([103, 107, 101, 102, 106]);
  });

  it("is empty for a pid that has gone", () => {
    expect(nodeRssOf(999, readProcEntries(fixture))).toEqual({
      processes: [],
      totalMb: 0,
      largestMb: 0,
    });
  });
});
