// Test fixture: starts a throwaway server, prints its URL, then ends as argv[2] says.
import { startThrowawayPostgres } from "../throwaway-postgres.ts";

const mode = process.argv[2] ?? "normal";
const server = await startThrowawayPostgres();
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);

if (mode === "exit-code") process.exitCode = 1;
if (mode === "throw") throw new Error("fixture: failing on purpose");
if (mode === "process-exit") process.exit(3);
// Stays up until a signal arrives (the test sends SIGINT, SIGTERM or SIGKILL).
if (mode === "wait") setInterval(() => {}, 60_000);
// "normal" and "exit-code" simply end without calling stop(): the exit handler stops the server.
