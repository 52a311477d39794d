// The top self-time functions of a V8 .cpuprofile (what `node --cpu-prof` writes).

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

export interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame }[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface SelfTime {
  /** Function name and where it lives (`(program)`, `(garbage collector)` for V8's own). */
  name: string;
  where: string;
  selfMs: number;
  percent: number;
}

// Paths up to the package that owns the file: short, and free of this machine's folders.
function shortWhere(url: string, line: number): string {
  if (!url) return "";
  const bare = url.replace(/^file:\/\//, "");
  const modules = bare.lastIndexOf("node_modules/");
  const tail =
    modules >= 0
      ? bare.slice(modules + "node_modules/".length)
      : bare.split("/").slice(-3).join("/");
  return `${tail.replace(/^\.pnpm\/[^/]+\/node_modules\//, "")}:${line + 1}`;
}

// Time the process spent waiting for work: not a cost of any path.
const IDLE = "(idle)";

/** Busy time in ms (every sample but idle): picks, among several processes, the one that worked. */
export function busyMs(profile: CpuProfile): number {
  const busy = new Set(
    profile.nodes.filter((n) => n.callFrame.functionName !== IDLE).map((n) => n.id),
  );
  const deltas = profile.timeDeltas ?? [];
  let us = 0;
  (profile.samples ?? []).forEach((id, index) => {
    if (busy.has(id)) us += Math.max(0, deltas[index] ?? 0);
  });
  return us / 1000;
}

/**
 * Self time per function (same name and place merged), largest first, `top` of them; shares
 * are of busy time, idle left out.
 */
export function summariseProfile(profile: CpuProfile, top = 15): SelfTime[] {
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const selfUs = new Map<string, { name: string; where: string; us: number }>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let totalUs = 0;
  // Each delta is the time before its sample; V8 charges that time to the sampled node.
  samples.forEach((id, index) => {
    const us = Math.max(0, deltas[index] ?? 0);
    const frame = frames.get(id);
    if (!frame || frame.functionName === IDLE) return;
    const name = frame.functionName || "(anonymous)";
    const where = shortWhere(frame.url, frame.lineNumber);
    const key = `${name}\u0000${where}`;
    const entry = selfUs.get(key) ?? { name, where, us: 0 };
    entry.us += us;
    selfUs.set(key, entry);
    totalUs += us;
  });
  return [...selfUs.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, top)
    .map(({ name, where, us }) => ({
      name,
      where,
      selfMs: Math.round(us / 100) / 10,
      percent: totalUs > 0 ? Math.round((us / totalUs) * 1000) / 10 : 0,
    }));
}

/** A Markdown table of a summary. */
export function formatProfile(rows: SelfTime[]): string {
  const lines = ["| self % | self ms | function | where |", "| ---: | ---: | --- | --- |"];
  for (const row of rows) {
    lines.push(`| ${row.percent} | ${row.selfMs} | \`${row.name}\` | ${row.where} |`);
  }
  return lines.join("\n");
}
