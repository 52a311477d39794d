// Self time from a tiny hand-made .cpuprofile: merged per function, largest first.
import { describe, expect, it } from "vitest";
import {
  busyMs,
  type CpuProfile,
  formatProfile,
  ownerOf,
  summariseByOwner,
  summariseProfile,
} from "./profile-summary";

const frame = (functionName: string, url = "", lineNumber = 0) => ({
  functionName,
  url,
  lineNumber,
});
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame("(root)") },
    {
      id: 2,
      callFrame: frame(
        "verify",
        "file:///x/node_modules/.pnpm/jsonwebtoken@9/node_modules/jsonwebtoken/verify.js",
        9,
      ),
    },
    { id: 3, callFrame: frame("(garbage collector)") },
    { id: 6, callFrame: frame("(idle)") },
    { id: 4, callFrame: frame("", "file:///x/packages/api/src/context.ts", 41) },
    // The same function reached through another caller: merged with node 2.
    {
      id: 5,
      callFrame: frame(
        "verify",
        "file:///x/node_modules/.pnpm/jsonwebtoken@9/node_modules/jsonwebtoken/verify.js",
        9,
      ),
    },
  ],
  startTime: 0,
  endTime: 10_000,
  samples: [2, 3, 5, 4, 2, 9, 6],
  timeDeltas: [1000, 2000, 3000, 500, 1500, 100, 90000],
};

describe("summariseProfile", () => {
  it("charges each delta to its sample, merges a function's nodes, sorts, leaves idle out", () => {
    expect(summariseProfile(profile)).toEqual([
      { name: "verify", where: "jsonwebtoken/verify.js:10", selfMs: 5.5, percent: 68.8 },
      { name: "(garbage collector)", where: "", selfMs: 2, percent: 25 },
      { name: "(anonymous)", where: "api/src/context.ts:42", selfMs: 0.5, percent: 6.3 },
    ]);
  });

  it("counts busy time without idle, to pick the process that worked", () => {
    expect(busyMs(profile)).toBe(8);
  });

  it("keeps only the top entries and formats a table", () => {
    const rows = summariseProfile(profile, 1);
    expect(rows).toHaveLength(1);
    expect(formatProfile(rows)).toContain(
      "|   68.8 |     5.5 | `verify` | jsonwebtoken/verify.js:10 |",
    );
  });
});

describe("summariseByOwner", () => {
  it("groups self time by the package that owns each function", () => {
    expect(summariseByOwner(profile)).toEqual([
      { owner: "jsonwebtoken", selfMs: 5.5, percent: 68.8 },
      { owner: "V8: garbage collector", selfMs: 2, percent: 25 },
      { owner: "packages/api", selfMs: 0.5, percent: 6.3 },
    ]);
  });

  it("names Next.js chunks, scoped packages and Node's own modules", () => {
    const owner = (url: string) => ownerOf({ functionName: "f", url });
    expect(owner("file:///r/apps/web/.next/server/chunks/x.js")).toMatch(/^Next\.js build chunks/);
    expect(owner("file:///r/node_modules/.pnpm/a/node_modules/@prisma/client/runtime/c.js")).toBe(
      "@prisma/client",
    );
    expect(owner("node:internal/streams/readable")).toBe("Node.js internals");
    expect(ownerOf({ functionName: "writev", url: "" })).toBe("native (no script)");
  });
});
