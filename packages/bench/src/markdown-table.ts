// Markdown tables laid out as Biome formats them, so a written report passes `pnpm lint` as is.

export type Align = "left" | "right";

/** Columns padded to their widest cell; `right` columns right-aligned, separator included. */
export function markdownTable(
  align: Align[],
  header: string[],
  rows: (string | number)[][],
): string {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, col) =>
    Math.max(3, ...cells.map((row) => [...(row[col] ?? "")].length)),
  );
  const pad = (text: string, col: number) => {
    const room = (widths[col] ?? 0) - [...text].length;
    return align[col] === "right" ? " ".repeat(room) + text : text + " ".repeat(room);
  };
  const line = (row: string[]) => `| ${row.map((cell, col) => pad(cell, col)).join(" | ")} |`;
  const separator = widths.map((width, col) =>
    align[col] === "right" ? `${"-".repeat(width - 1)}:` : "-".repeat(width),
  );
  return [line(header), line(separator), ...cells.slice(1).map(line)].join("\n");
}

const cellCount = (line: string) => {
  const inner = line
    .trim()
    .replace(/^\|/, "")
    .replace(/(?<!\\)\|$/, "");
  return inner.split(/(?<!\\)\|/).length;
};
const DELIMITER = /^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/;

/**
 * The tables whose delimiter row has another number of cells than their header: GitHub shows
 * those as text, and Biome leaves them unformatted, so lint does not see them. One message each.
 */
export function malformedTables(markdown: string): string[] {
  const lines = markdown.split("\n");
  const found: string[] = [];
  lines.forEach((line, i) => {
    const header = lines[i - 1];
    if (header === undefined || !line.includes("|") || !DELIMITER.test(line)) return;
    const [cells, delimiters] = [cellCount(header), cellCount(line)];
    if (cells !== delimiters) {
      found.push(`line ${i + 1}: ${delimiters} delimiter cells under a header of ${cells}`);
    }
  });
  return found;
}
