// Loaded into every Node process of a profiled server through NODE_OPTIONS (--import): Node 20
// refuses --cpu-prof there, so this runs V8's sampling profiler itself and writes a .cpuprofile
// into BENCH_CPU_PROF_DIR, as --cpu-prof would. The bench sends SIGUSR2 twice: the first starts
// the profile afresh (leaving start-up and set-up out), the second writes it (the measured window
// only, whatever the shutdown does later). Exit and the stop signal write it if nothing has yet.
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
  let written = false;
  const write = () => {
    if (written) return;
    written = true;
    // A session in the process's own thread answers synchronously: written before this returns.
    session.post("Profiler.stop", (error, result) => {
      if (error || !result) return;
      const file = path.join(dir, `CPU.${Date.now()}.${process.pid}.cpuprofile`);
      writeFileSync(file, JSON.stringify(result.profile));
    });
  };
  let usr2 = 0;
  process.on("SIGUSR2", () => {
    usr2 += 1;
    if (usr2 % 2 === 0) return write();
    session.post("Profiler.stop");
    session.post("Profiler.start");
  });
  process.on("exit", write);
  // With nobody else listening, a stop signal exits as its default action would, but normally,
  // so the exit handler still runs (a second SIGTERM, the group's then tsx's relay, would
  // otherwise kill the process mid-shutdown with no exit event).
  for (const [signal, code] of [
    ["SIGTERM", 143],
    ["SIGINT", 130],
  ]) {
    process.on(signal, () => {
      write();
      if (process.listenerCount(signal) === 1) process.exit(code);
    });
  }
}
