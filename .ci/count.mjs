// Sums Vitest's per-package "Tests  N failed | N passed | N skipped (N)" lines from CI logs and
// prints the one closing line CI reads. Exits 1 if any test failed or none ran at all.
import { readFileSync } from "node:fs";

const totals = { passed: 0, failed: 0, skipped: 0 };
for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, "utf8").replace(
    new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g"),
    "",
  );
  for (const line of text.split("\n")) {
    const match = line.match(/\bTests\s+(.*)\(\d+\)\s*$/);
    if (!match) continue;
    for (const part of match[1].split("|")) {
      const count = part.trim().match(/^(\d+) (passed|failed|skipped|todo)/);
      if (count && count[2] in totals) totals[count[2]] += Number(count[1]);
    }
  }
}
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 || totals.passed === 0 ? 1 : 0);
