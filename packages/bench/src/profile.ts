// --profile <scenario>: one target under V8's CPU profiler, then its hottest functions by self time.
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { markdownTable } from "./markdown-table";
import type { TargetId } from "./options";
import { nodeRssOf, readProcEntries } from "./process-tree";
import {
  busyMs,
  type CpuProfile,
  formatProfile,
  summariseByOwner,
  summariseProfile,
} from "./profile-summary";
import type { Scenario } from "./results";
import { appRuns, type LoadSettings } from "./scenarios";
import { type LaunchContext, launch } from "./targets";

const PRELOAD = fileURLToPath(new URL("./cpu-profile-preload.mjs", import.meta.url));

/** The profile of the process that did the work: the one with the most busy time. */
async function busiestProfile(dir: string): Promise<CpuProfile> {
  let best: CpuProfile | undefined;
  for (const name of await readdir(dir)) {
    if (!name.endsWith(".cpuprofile")) continue;
    const profile = JSON.parse(await readFile(path.join(dir, name), "utf8")) as CpuProfile;
    // One line per process, so a missing server profile is visible rather than silently replaced.
    console.error(`[bench] ${name}: ${Math.round(busyMs(profile))} ms busy`);
    if (!best || busyMs(profile) > busyMs(best)) best = profile;
  }
  if (!best) throw new Error("no .cpuprofile written: did the server exit cleanly?");
  return best;
}

/** Runs `scenario` on `target` with every Node process of it profiled; returns Markdown. */
export async function profileScenario(
  scenario: Scenario,
  target: TargetId,
  ctx: LaunchContext,
  load: LoadSettings,
): Promise<string> {
  if (target.startsWith("floor"))
    throw new TypeError("--profile measures an app target, not a floor");
  const dir = await mkdtemp(path.join(tmpdir(), "kit-bench-prof-"));
  try {
    // NODE_OPTIONS reaches pnpm and the server alike; each writes a profile of its own.
    // (Node 20 refuses --cpu-prof in NODE_OPTIONS: the preload does what it would.)
    const extraEnv = {
      NODE_OPTIONS: `--import ${pathToFileURL(PRELOAD).href}`,
      BENCH_CPU_PROF_DIR: dir,
    };
    const launched = await launch(target, { ...ctx, extraEnv });
    try {
      // SIGUSR2 to each Node process: the first restarts its profiler as the measured window
      // begins, the second writes the profile as it ends (see cpu-profile-preload.mjs).
      const signalProfilers = () => {
        const tree = nodeRssOf(launched.server.child.pid ?? -1, readProcEntries());
        for (const { pid } of tree.processes) process.kill(pid, "SIGUSR2");
      };
      await appRuns(launched.server.base, [scenario], load, { beforeLoad: signalProfilers });
      signalProfilers();
      // Writing happens in the servers' own time: give them a moment before they are stopped.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    } finally {
      await launched.close();
    }
    const profile = await busiestProfile(dir);
    const owners = summariseByOwner(profile).slice(0, 10);
    return [
      `### ${scenario} on ${launched.label}`,
      "",
      `${Math.round(busyMs(profile))} ms of CPU in the server process during the measured window, by owner:`,
      "",
      markdownTable(
        ["right", "right", "left"],
        ["self %", "self ms", "owner"],
        owners.map((o) => [o.percent, o.selfMs, o.owner]),
      ),
      "",
      "Top functions by self time:",
      "",
      formatProfile(summariseProfile(profile, 20)),
      "",
    ].join("\n");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function writeProfile(
  resultsDir: string,
  scenario: Scenario,
  markdown: string,
): Promise<string> {
  const file = path.join(resultsDir, `profile-${scenario}.md`);
  await writeFile(file, markdown);
  return file;
}
