// Run by pool-priority.test.ts in a process of its own (priorities are per process): lowers the
// pool's priority, then hashes passwords, and prints what each thread's nice value is and which
// threads spent the CPU.
import { readdirSync, readFileSync } from "node:fs";
import { hashPassword } from "@kit/auth";
import { lowerPoolPriority } from "../pool-priority";

// Fields 14, 15 (utime, stime) and 19 (nice) of /proc/self/task/<tid>/stat; comm may hold spaces.
function thread(tid: string) {
  const text = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
  const rest = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { cpuTicks: Number(rest[11]) + Number(rest[12]), nice: Number(rest[16]) };
}
const threads = () =>
  Object.fromEntries(readdirSync("/proc/self/task").map((tid) => [tid, thread(tid)]));

// Enough work that the kernel's tick-sampled CPU accounting (10 ms a tick) cannot miss it: six
// hashes (~5-10 ms each here) were charged 1 to 6 ticks, and the test asks for 3.
const HASHES = 24;

const result = await lowerPoolPriority(Number(process.argv[2] ?? 10));
const before = threads();
for (let i = 0; i < HASHES; i++) await hashPassword(`fixture password ${i}`);
const after = threads();
const spent = Object.fromEntries(
  Object.entries(after).map(([tid, t]) => [tid, t.cpuTicks - (before[tid]?.cpuTicks ?? 0)]),
);
const nice = Object.fromEntries(Object.entries(after).map(([tid, t]) => [tid, t.nice]));
console.log(JSON.stringify({ result, pid: process.pid, spent, nice }));
