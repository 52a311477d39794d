// The server's memory and CPU time: RSS and CPU of the Node processes under the pid the bench
// spawned, and CPU of PostgreSQL, from /proc.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import path from "node:path";

export interface ProcEntry {
  pid: number;
  ppid: number;
  comm: string;
  /**
   * The program's file name (of /proc/<pid>/exe), or comm where that link cannot be read.
   * comm is the main thread's name, which Node 24 sets to "MainThread".
   */
  program: string;
  rssKb: number;
  /** CPU time used so far, user and system, in clock ticks (all the process's threads). */
  cpuTicks: number;
}

/**
 * pid, comm, ppid and CPU ticks (utime + stime, fields 14 and 15) of a /proc/<pid>/stat line;
 * comm may itself hold spaces and parentheses.
 */
export function parseStat(text: string): Pick<ProcEntry, "pid" | "ppid" | "comm" | "cpuTicks"> {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) throw new Error(`not a stat line: ${text.slice(0, 80)}`);
  const rest = text.slice(close + 2).split(" ");
  return {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    ppid: Number(rest[1]),
    // rest[0] is field 3 (state), so field n is rest[n - 3].
    cpuTicks: Number(rest[11]) + Number(rest[12]),
  };
}

/** VmRSS of a /proc/<pid>/status text in kB; 0 for a kernel thread or a zombie (none listed). */
export function parseRssKb(status: string): number {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return match ? Number(match[1]) : 0;
}

/**
 * The program's file name from the target of /proc/<pid>/exe. A binary replaced or removed while
 * it runs (a Node upgraded under a live server) reads "<path> (deleted)": still that program.
 */
export function programOfExe(target: string): string {
  return path.basename(target.replace(/ \(deleted\)$/, ""));
}

function programOf(procDir: string, comm: string): string {
  try {
    return programOfExe(readlinkSync(path.join(procDir, "exe")));
  } catch {
    // Another user's process, a kernel thread, or a fixture without the link.
    return comm;
  }
}

/** Every process readable under `procRoot`; ones that exit while being read are skipped. */
export function readProcEntries(procRoot = "/proc"): ProcEntry[] {
  const entries: ProcEntry[] = [];
  for (const name of readdirSync(procRoot)) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = parseStat(readFileSync(path.join(procRoot, name, "stat"), "utf8"));
      const rssKb = parseRssKb(readFileSync(path.join(procRoot, name, "status"), "utf8"));
      entries.push({ ...stat, program: programOf(path.join(procRoot, name), stat.comm), rssKb });
    } catch {
      // Gone between readdir and read: not ours to count.
    }
  }
  return entries;
}

export interface NodeRss {
  /** The Node processes in the tree, largest first (launchers such as pnpm and tsx included). */
  processes: { pid: number; rssMb: number }[];
  totalMb: number;
  /** The largest one: the server itself, or its heaviest worker. */
  largestMb: number;
}

const mb = (kb: number) => Math.round((kb / 1024) * 10) / 10;

/** `rootPid` and its descendants that run `node` (PostgreSQL under it does not). */
function nodeTreeOf(rootPid: number, entries: ProcEntry[]): ProcEntry[] {
  const children = new Map<number, ProcEntry[]>();
  for (const entry of entries) {
    const list = children.get(entry.ppid) ?? [];
    list.push(entry);
    children.set(entry.ppid, list);
  }
  const tree: ProcEntry[] = [];
  const root = entries.find((entry) => entry.pid === rootPid);
  const pending = root ? [root] : [];
  for (let entry = pending.pop(); entry; entry = pending.pop()) {
    tree.push(entry);
    pending.push(...(children.get(entry.pid) ?? []));
  }
  return tree.filter((entry) => entry.program === "node");
}

/** Sums RSS over `rootPid` and its descendants that run `node` (PostgreSQL does not). */
export function nodeRssOf(rootPid: number, entries: ProcEntry[]): NodeRss {
  const nodes = nodeTreeOf(rootPid, entries).sort((a, b) => b.rssKb - a.rssKb);
  return {
    processes: nodes.map((entry) => ({ pid: entry.pid, rssMb: mb(entry.rssKb) })),
    totalMb: mb(nodes.reduce((sum, entry) => sum + entry.rssKb, 0)),
    largestMb: mb(nodes[0]?.rssKb ?? 0),
  };
}

/** CPU ticks used so far by each process of a kind, by pid (see cpuSnapshotOf). */
export interface CpuSnapshot {
  /** Clock ticks per second (USER_HZ) the counts are in. */
  hz: number;
  /** The server's Node processes (as nodeRssOf counts them). */
  server: Map<number, number>;
  /** Every PostgreSQL process on this machine (the bench's own server, or the embedded one). */
  postgres: Map<number, number>;
}

let ticksPerSecond: number | undefined;

/** The kernel's clock tick (USER_HZ) that /proc counts CPU time in: 100 almost everywhere. */
function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    const asked = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout);
    ticksPerSecond = Number.isInteger(asked) && asked > 0 ? asked : 100;
  }
  return ticksPerSecond;
}

const ticksByPid = (list: ProcEntry[]) => new Map(list.map((entry) => [entry.pid, entry.cpuTicks]));

/** CPU ticks of the server's Node tree under `rootPid` and of PostgreSQL, so far. */
export function cpuSnapshotOf(
  rootPid: number,
  entries: ProcEntry[],
  hz = clockTicksPerSecond(),
): CpuSnapshot {
  return {
    hz,
    server: ticksByPid(nodeTreeOf(rootPid, entries)),
    postgres: ticksByPid(entries.filter((entry) => entry.comm === "postgres")),
  };
}

/**
 * CPU milliseconds spent between two snapshots. Per process: one started in between counts
 * all its ticks; one that exited in between is lost to /proc, so it counts nothing (never less).
 */
export function cpuSpent(
  before: CpuSnapshot,
  after: CpuSnapshot,
): { serverMs: number; postgresMs: number } {
  const spent = (was: Map<number, number>, now: Map<number, number>) => {
    let ticks = 0;
    for (const [pid, count] of now) ticks += Math.max(0, count - (was.get(pid) ?? 0));
    return (ticks * 1000) / after.hz;
  };
  return {
    serverMs: spent(before.server, after.server),
    postgresMs: spent(before.postgres, after.postgres),
  };
}
