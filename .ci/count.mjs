// Sums the test counts in CI logs and prints the one closing line CI reads. Understands
// Vitest's per-package "Tests  N failed | N passed | N skipped (N)" and Playwright's
// "N passed (12.3s)" / "N failed" / "N flaky" / "N skipped" lines, with or without turbo's
// "pkg:task:" prefix. Exits 1 if any test failed or none ran at all. Names each failed test first,
// with its error's first line: CI's record keeps only the end of the output.
import { readFileSync } from "node:fs";
import { basename } from "node:path";

const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");
const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];
const unprefixed = (line) => line.replace(/^\S+:\S+:\s?/, "");
const add = (kind, n) => {
  if (kind === "flaky") totals.passed += n;
  else if (kind in totals) totals[kind] += n;
};

for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, "utf8").replace(ansi, "");
  const lines = text.split("\n");
  lines.forEach((raw, i) => {
    const task = raw.match(/^(\S+:\S+):/)?.[1] ?? "";
    const line = unprefixed(raw);
    // Vitest's "FAIL  file > test", its error on the next line; Playwright's "✘  N [chromium] …".
    const vitestFailure = line.match(/^\s*FAIL\s+(\S+\.(?:test|spec)\.\w+\b.*)$/);
    const playwrightFailure = line.match(/^\s*✘\s+\d+\s+(.*)$/);
    if (vitestFailure) {
      const error = unprefixed(lines[i + 1] ?? "")
        .trim()
        .slice(0, 200);
      failures.push(`${basename(file)}: ${task} ${vitestFailure[1]}\n    ${error}`);
    } else if (playwrightFailure) {
      failures.push(`${basename(file)}: ${task} ${playwrightFailure[1]}`);
    }
    const vitest = line.match(/\bTests\s+(.*)\(\d+\)\s*$/);
    if (vitest) {
      for (const part of vitest[1].split("|")) {
        const count = part.trim().match(/^(\d+) (passed|failed|skipped|todo)/);
        if (count) add(count[2], Number(count[1]));
      }
      return;
    }
    const playwright = line.match(/^\s+(\d+) (passed|failed|flaky|skipped)(?: \(.*\))?\s*$/);
    if (playwright) add(playwright[2], Number(playwright[1]));
  });
}
if (failures.length > 0) console.log(`failed tests:\n${failures.join("\n")}`);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 || totals.passed === 0 ? 1 : 0);
