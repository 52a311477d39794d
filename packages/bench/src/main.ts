// `pnpm bench`: every server and floor over HTTP on loopback, in one run; prints the table and
// writes results/latest.md and latest.json beside this package.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { findWorkspaceRoot } from "@kit/db";
import { endChildrenWithProcess } from "./children";
import { pgServer } from "./database";
import { evaluateGoals } from "./goals";
import { loadNow, machineInfo } from "./machine";
import { type BenchOptions, parseOptions, USAGE } from "./options";
import { cpuSnapshotOf, nodeRssOf, readProcEntries } from "./process-tree";
import { profileScenario, writeProfile } from "./profile";
import { measurePropagation } from "./propagation";
import type { BenchReport, TargetResult } from "./results";
import { appRuns, floorRuns } from "./scenarios";
import { formatReport } from "./table";
import { type LaunchContext, launch, randomAppSecret } from "./targets";
import { ensureWrk, wrkThreads } from "./wrk";

const RESULTS_DIR = fileURLToPath(new URL("../results", import.meta.url));
const log = (text: string) => console.error(`[bench] ${text}`);

function options(): BenchOptions {
  try {
    return parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

/**
 * `pnpm start` and `pnpm serve` need the production build (`pnpm serve` its dist/serve.mjs);
 * make it once if any part of it is missing.
 */
function ensureBuild(opts: BenchOptions): void {
  const root = findWorkspaceRoot();
  const needsBuild =
    opts.profile !== undefined ||
    opts.propagation ||
    opts.targets.some((id) => !id.startsWith("floor"));
  const built = ["apps/web/.next/BUILD_ID", "apps/web/dist/server.mjs", "apps/web/dist/serve.mjs"];
  if (!needsBuild || built.every((file) => existsSync(path.join(root, file)))) return;
  log("no production build: running `pnpm --dir apps/web build` first");
  const run = spawnSync("pnpm", ["--dir", "apps/web", "build"], { cwd: root, stdio: "inherit" });
  if (run.status !== 0) throw new Error("the build failed");
}

async function measureTarget(
  id: BenchOptions["targets"][number],
  ctx: LaunchContext,
  opts: BenchOptions,
  done: TargetResult[],
) {
  const load = { durationSec: opts.durationSec, connections: opts.connections };
  log(`${id}: starting`);
  const launched = await launch(id, ctx);
  try {
    const pid = launched.server.child.pid ?? -1;
    const idleBefore = nodeRssOf(pid, readProcEntries());
    const cpuSnapshot = () => cpuSnapshotOf(pid, readProcEntries());
    const { runs, sideBySide } =
      launched.kind === "floor"
        ? await floorRuns(launched.server.base, ctx.floorSecret, load, opts.rounds, cpuSnapshot)
        : await appRuns(launched.server.base, opts.scenarios, load, {
            rounds: opts.rounds,
            pairs: opts.pairs,
            cpuSnapshot,
          });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const after = nodeRssOf(pid, readProcEntries());
    let label = launched.label;
    if (launched.workers > 1) {
      // WEB_CONCURRENCY may not be honoured yet: say what actually ran.
      const single = done.find((t) => t.id === "start-pg")?.rss?.idleBefore.processes.length;
      const seen = idleBefore.processes.length;
      label +=
        single !== undefined && seen <= single ? " (1 worker ran)" : ` (${seen} node processes)`;
    }
    return {
      id,
      label,
      kind: launched.kind,
      workers: launched.workers,
      runs,
      ...(sideBySide ? { sideBySide } : {}),
      rss: { idleBefore, after },
    };
  } finally {
    await launched.close();
  }
}

async function main(): Promise<void> {
  endChildrenWithProcess();
  const opts = options();
  const wrk = ensureWrk();
  const loadAtStart = loadNow();
  ensureBuild(opts);
  const pg = await pgServer(process.env.BENCH_DATABASE_URL);
  const ctx: LaunchContext = {
    pg,
    floorSecret: randomBytes(32).toString("hex"),
    appSecret: randomAppSecret(),
  };
  const load = { durationSec: opts.durationSec, connections: opts.connections };
  try {
    if (opts.profile) {
      const target = opts.targets.find((id) => !id.startsWith("floor")) ?? "start-pg";
      const markdown = await profileScenario(opts.profile, target, ctx, load);
      await mkdir(RESULTS_DIR, { recursive: true });
      const file = await writeProfile(RESULTS_DIR, opts.profile, markdown);
      console.log(`\n${markdown}\n(written to ${path.relative(process.cwd(), file)})`);
      return;
    }
    const needsFloors = opts.scenarios.some((s) => s === "me" || s === "sample" || s === "refresh");
    const targets: TargetResult[] = [];
    for (const id of opts.targets) {
      if (id.startsWith("floor") && !needsFloors) continue;
      if (!id.startsWith("floor") && opts.scenarios.length === 0) continue;
      targets.push(await measureTarget(id, ctx, opts, targets));
    }
    const report: BenchReport = {
      machine: machineInfo(wrk, loadAtStart),
      settings: {
        ...load,
        rounds: opts.rounds,
        pairs: opts.pairs,
        threads: wrkThreads(opts.connections),
        database: pg.label,
      },
      targets,
    };
    if (opts.propagation) {
      log("propagation: two `pnpm serve` on one PostgreSQL");
      report.propagation = await measurePropagation(pg, ctx);
    }
    const markdown = formatReport(report, evaluateGoals(report));
    await mkdir(RESULTS_DIR, { recursive: true });
    await writeFile(path.join(RESULTS_DIR, "latest.md"), markdown);
    await writeFile(path.join(RESULTS_DIR, "latest.json"), `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\n${markdown}`);
  } finally {
    await pg.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`[bench] failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
