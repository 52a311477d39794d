// Loaded into every Node process of a profiled server through NODE_OPTIONS (--import): Node 20
// refuses --cpu-prof there, so this starts V8's sampling profiler itself and, like --cpu-prof,
// writes a .cpuprofile into BENCH_CPU_PROF_DIR when the process exits. SIGUSR2 starts it afresh,
// so the bench can leave start-up and its own set-up out of the profile.
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import path from "node:path";

const dir = process.env.BENCH_CPU_PROF_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post("Profiler.enable");
  // 1 ms, as --cpu-prof's default interval.
  session.post("Profiler.setSamplingInterval", { interval: 1000 });
  session.post("Profiler.start");
  process.on("SIGUSR2", () => {
    session.post("Profiler.stop");
    session.post("Profiler.start");
  });
  process.on("exit", () => {
    // A session in the process's own thread answers synchronously, so this runs before exit.
    session.post("Profiler.stop", (error, result) => {
      if (error || !result) return;
      const file = path.join(dir, `CPU.${Date.now()}.${process.pid}.cpuprofile`);
      writeFileSync(file, JSON.stringify(result.profile));
    });
  });
  // A signal's default action kills without an exit event, so no profile. That happens when a
  // second SIGTERM (the group's, then tsx's relay) lands after the server's once-handler: with
  // nobody else listening, exit normally instead, so the profile is written.
  for (const [signal, code] of [
    ["SIGTERM", 143],
    ["SIGINT", 130],
  ]) {
    process.on(signal, () => {
      if (process.listenerCount(signal) === 1) process.exit(code);
    });
  }
}
