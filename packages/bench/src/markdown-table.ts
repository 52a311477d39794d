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
