// Test fixture: ensureEmbeddedPostgres on argv[2], prints the result, then ends or holds (argv[3]).
import { ensureEmbeddedPostgres } from "../embedded-postgres.ts";

const [dataDir, mode = "report"] = process.argv.slice(2);
if (dataDir === undefined) throw new TypeError("usage: ensure-child.ts <dataDir> [report|hold]");
const lines: string[] = [];
const db = await ensureEmbeddedPostgres({ dataDir, log: (line) => lines.push(line) });
process.stdout.write(`${JSON.stringify({ url: db.url, owned: db.owned, log: lines })}\n`);
// "hold" keeps the server's owner alive until the test kills it.
if (mode === "hold") setInterval(() => {}, 60_000);
