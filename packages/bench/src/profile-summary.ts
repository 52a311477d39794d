// The top self-time functions of a V8 .cpuprofile (what `node --cpu-prof` writes), and self
// time per owning package.
import { markdownTable } from "./markdown-table";

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
  return markdownTable(
    ["right", "right", "left", "left"],
    ["self %", "self ms", "function", "where"],
    rows.map((row) => [row.percent, row.selfMs, `\`${row.name}\``, row.where]),
  );
}

/**
 * Who owns a frame: the npm package its file lives in, the workspace package, Next.js's bundled
 * chunks (where `pnpm start` keeps the app and the kit), Node's own modules, or V8.
 */
export function ownerOf(frame: { functionName: string; url: string }): string {
  const { functionName, url } = frame;
  if (!url) {
    if (functionName === "(garbage collector)") return "V8: garbage collector";
    if (functionName === "(program)") return "V8: (program)";
    return "native (no script)";
  }
  const bare = url.replace(/^file:\/\//, "");
  const modules = bare.lastIndexOf("node_modules/");
  if (modules >= 0) {
    const [scope = "", name = ""] = bare.slice(modules + "node_modules/".length).split("/");
    return scope.startsWith("@") ? `${scope}/${name}` : scope;
  }
  if (/\.next\/server\//.test(bare)) return "Next.js build chunks (app + kit, bundled)";
  const workspace = /\/(packages|apps)\/([^/]+)\//.exec(bare);
  if (workspace) return `${workspace[1]}/${workspace[2]}`;
  if (bare.startsWith("node:") || !bare.startsWith("/")) return "Node.js internals";
  return "other";
}

/** Self time per owner (see ownerOf), largest first, idle left out. */
export function summariseByOwner(
  profile: CpuProfile,
): { owner: string; selfMs: number; percent: number }[] {
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const deltas = profile.timeDeltas ?? [];
  const byOwner = new Map<string, number>();
  let totalUs = 0;
  (profile.samples ?? []).forEach((id, index) => {
    const frame = frames.get(id);
    if (!frame || frame.functionName === IDLE) return;
    const us = Math.max(0, deltas[index] ?? 0);
    const owner = ownerOf(frame);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + us);
    totalUs += us;
  });
  return [...byOwner.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([owner, us]) => ({
      owner,
      selfMs: Math.round(us / 100) / 10,
      percent: totalUs > 0 ? Math.round((us / totalUs) * 1000) / 10 : 0,
    }));
}
