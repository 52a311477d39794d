// Tables padded as Biome lays them out.
import { describe, expect, it } from "vitest";
import { markdownTable } from "./markdown-table";

describe("markdownTable", () => {
  it("pads every column to its widest cell, right-aligning numbers", () => {
    expect(
      markdownTable(
        ["left", "right"],
        ["target", "req/s"],
        [
          ["a", 12.5],
          ["floor (c)", 1],
        ],
      ),
    ).toBe(
      [
        "| target    | req/s |",
        "| --------- | ----: |",
        "| a         |  12.5 |",
        "| floor (c) |     1 |",
      ].join("\n"),
    );
  });

  it("keeps separators at least three wide and counts × as one character", () => {
    expect(markdownTable(["left", "right"], ["x", "y"], [["1×", 2]])).toBe(
      ["| x   |   y |", "| --- | --: |", "| 1×  |   2 |"].join("\n"),
    );
  });
});
