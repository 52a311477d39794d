import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { boundHeapGrowth } from "./heap-growth";

const run = promisify(execFile);

/** The fixture's largest old space in MB, in a process of its own (V8 flags are per process). */
async function largestOldSpace(args: string[]): Promise<number> {
  const fixture = path.join(import.meta.dirname, "testing", "heap-churn.ts");
  const { stdout } = await run(process.execPath, ["--import", "tsx", fixture, ...args], {
    cwd: import.meta.dirname,
  });
  return (JSON.parse(stdout.trim()) as { largestOldSpaceMb: number }).largestOldSpaceMb;
}

describe("boundHeapGrowth", () => {
  it("keeps a churning heap near what it holds", async () => {
    // The fixture keeps ~100 MB alive while promoting garbage as fast as it can. Bounded, the
    // old space stays near 1.5× that (~180 MB here); left to V8 it passed 460 MB.
    expect(await largestOldSpace(["bound"])).toBeLessThan(300);
  });

  it("leaves a factor chosen on the command line alone", () => {
    expect(boundHeapGrowth(["--heap-growing-percent=80"])).toBe(false);
    expect(boundHeapGrowth(["--inspect", "--heap_growing_percent", "80"])).toBe(false);
  });
});
