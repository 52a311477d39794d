// The server's memory: RSS of the Node processes under the pid the bench spawned, from /proc.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

export interface ProcEntry {
  pid: number;
  ppid: number;
  comm: string;
  rssKb: number;
}

/** pid, comm and ppid of a /proc/<pid>/stat line; comm may itself hold spaces and parentheses. */
export function parseStat(text: string): Pick<ProcEntry, "pid" | "ppid" | "comm"> {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) throw new Error(`not a stat line: ${text.slice(0, 80)}`);
  const rest = text.slice(close + 2).split(" ");
  return {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    ppid: Number(rest[1]),
  };
}

/** VmRSS of a /proc/<pid>/status text in kB; 0 for a kernel thread or a zombie (none listed). */
export function parseRssKb(status: string): number {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return match ? Number(match[1]) : 0;
}

/** Every process readable under `procRoot`; ones that exit while being read are skipped. */
export function readProcEntries(procRoot = "/proc"): ProcEntry[] {
  const entries: ProcEntry[] = [];
  for (const name of readdirSync(procRoot)) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = parseStat(readFileSync(path.join(procRoot, name, "stat"), "utf8"));
      const rssKb = parseRssKb(readFileSync(path.join(procRoot, name, "status"), "utf8"));
      entries.push({ ...stat, rssKb });
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

/** Sums RSS over `rootPid` and its descendants whose comm is `node` (PostgreSQL is not). */
export function nodeRssOf(rootPid: number, entries: ProcEntry[]): NodeRss {
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
  const nodes = tree.filter((entry) => entry.comm === "node").sort((a, b) => b.rssKb - a.rssKb);
  return {
    processes: nodes.map((entry) => ({ pid: entry.pid, rssMb: mb(entry.rssKb) })),
    totalMb: mb(nodes.reduce((sum, entry) => sum + entry.rssKb, 0)),
    largestMb: mb(nodes[0]?.rssKb ?? 0),
  };
}
