// Every Markdown table of the repository renders: PERFORMANCE.md's result tables are pasted by
// hand, and a header and delimiter row that disagree make GitHub show the table as text.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { findWorkspaceRoot } from "@kit/db";
import { describe, expect, it } from "vitest";
import { malformedTables } from "./markdown-table";

const root = findWorkspaceRoot();
const files = execFileSync("git", ["ls-files", "*.md"], { cwd: root, encoding: "utf8" })
  .split("\n")
  .filter(Boolean);

describe("the repository's Markdown tables", () => {
  it("finds the documents", () => {
    expect(files).toContain("README.md");
    expect(files).toContain("packages/bench/PERFORMANCE.md");
  });

  it.each(files)("%s: each delimiter row has as many cells as its header", (file) => {
    expect(malformedTables(readFileSync(join(root, file), "utf8"))).toEqual([]);
  });
});
