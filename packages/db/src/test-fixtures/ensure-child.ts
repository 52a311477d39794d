// Test fixture: ensureEmbeddedPostgres on argv[2], prints the result, then ends, holds or
// migrates first (argv[3]).
import { ensureEmbeddedPostgres } from "../embedded-postgres.ts";
import { migrate } from "../migrate.ts";

const [dataDir, mode = "report"] = process.argv.slice(2);
if (dataDir === undefined) {
  throw new TypeError("usage: ensure-child.ts <dataDir> [report|hold|migrate]");
}
const lines: string[] = [];
const db = await ensureEmbeddedPostgres({ dataDir, log: (line) => lines.push(line) });
// "migrate" is `pnpm db:migrate`: through the URL it was given, beside the app.
const applied = mode === "migrate" ? (await migrate(db.url)).applied : [];
process.stdout.write(`${JSON.stringify({ url: db.url, owned: db.owned, log: lines, applied })}\n`);
// "hold" keeps the server's owner alive until the test kills it.
if (mode === "hold") setInterval(() => {}, 60_000);
