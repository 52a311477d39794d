// Runs one command in a process group of its own for a test, and ends the whole group when told
// to (SIGTERM) or when the test process that started it goes away (this script's stdin closes):
// a server started by a test never outlives the test run, even one that is killed.
// Usage: node supervise.mjs '<shell command>'
import { spawn } from "node:child_process";

const STOP_TIMEOUT_MS = 15_000;
const command = process.argv[2];
if (!command) {
  console.error("usage: node supervise.mjs '<shell command>'");
  process.exit(2);
}

const child = spawn("sh", ["-c", command], {
  detached: true,
  stdio: ["ignore", "inherit", "inherit"],
});
const group = child.pid;

function groupAlive() {
  try {
    process.kill(-group, 0);
    return true;
  } catch {
    return false;
  }
}

let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  try {
    process.kill(-group, "SIGTERM");
  } catch {}
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  // The shell in front exits at once; wait for the server itself to finish shutting down.
  const poll = setInterval(() => {
    if (!groupAlive()) {
      clearInterval(poll);
      process.exit(0);
    }
    if (Date.now() > deadline) {
      try {
        process.kill(-group, "SIGKILL");
      } catch {}
    }
  }, 50);
}

process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.stdin.on("close", stop);
process.stdin.on("end", stop);
process.stdin.resume();
child.on("exit", (code) => {
  // The command gave up by itself (e.g. start-up failed): report its code once the group is gone.
  if (!stopping && !groupAlive()) process.exit(code ?? 1);
  if (!stopping) stop();
});
