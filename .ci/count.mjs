// Sums the test counts in CI logs and prints the one closing line CI reads. Understands
// Vitest's per-package "Tests  N failed | N passed | N skipped (N)" and Playwright's
// "N passed (12.3s)" / "N failed" / "N flaky" / "N skipped" lines, with or without turbo's
// "pkg:task:" prefix. Exits 1 if any test failed or none ran at all.
import { readFileSync } from "node:fs";

const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");
const totals = { passed: 0, failed: 0, skipped: 0 };
const add = (kind, n) => {
  if (kind === "flaky") totals.passed += n;
  else if (kind in totals) totals[kind] += n;
};

for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, "utf8").replace(ansi, "");
  for (const raw of text.split("\n")) {
    const line = raw.replace(/^\S+:\S+:\s?/, "");
    const vitest = line.match(/\bTests\s+(.*)\(\d+\)\s*$/);
    if (vitest) {
      for (const part of vitest[1].split("|")) {
        const count = part.trim().match(/^(\d+) (passed|failed|skipped|todo)/);
        if (count) add(count[2], Number(count[1]));
      }
      continue;
    }
    const playwright = line.match(/^\s+(\d+) (passed|failed|flaky|skipped)(?: \(.*\))?\s*$/);
    if (playwright) add(playwright[2], Number(playwright[1]));
  }
}
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 || totals.passed === 0 ? 1 : 0);
