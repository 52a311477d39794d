// Tables padded as Biome lays them out.
import { describe, expect, it } from "vitest";
import { malformedTables, markdownTable } from "./markdown-table";

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

describe("malformedTables", () => {
  it("passes a table whose rows agree, escaped pipes and alignment included", () => {
    const table = ["| a | b \\| c |", "| --- | ---: |", "| 1 | 2 |"].join("\n");
    expect(malformedTables(`text\n\n${table}\n`)).toEqual([]);
    expect(malformedTables("a | b\n:-- | --:\n1 | 2")).toEqual([]);
  });

  it("names a delimiter row with a cell more or less than its header", () => {
    expect(malformedTables("x\n\n| a | b |\n| --- | --- | --- |\n| 1 | 2 |")).toEqual([
      "line 4: 3 delimiter cells under a header of 2",
    ]);
    expect(malformedTables("| a | b | c |\n| --- | --- |")).toEqual([
      "line 2: 2 delimiter cells under a header of 3",
    ]);
  });

  it("does not take a horizontal rule or a list for a delimiter", () => {
    expect(malformedTables("text\n---\n- a | b\n")).toEqual([]);
  });
});
