// wrk, the load generator: found (or installed from Debian's packages as root), run, parsed.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { runToEnd } from "@kit/db/testing";
import { spawnGroup } from "./children";
import { type LoadResult, parseWrkOutput } from "./wrk-output";

const LUA_DIR = fileURLToPath(new URL("./lua", import.meta.url));

const hasWrk = () => spawnSync("sh", ["-c", "command -v wrk"]).status === 0;

function isDebianLike(): boolean {
  if (!existsSync("/etc/os-release")) return false;
  return /^(ID|ID_LIKE)=.*(debian|ubuntu)/im.test(readFileSync("/etc/os-release", "utf8"));
}

/** Makes sure `wrk` is on PATH; installs Debian's package as root, else says what to do. */
export function ensureWrk(): string {
  if (!hasWrk()) {
    const root = process.getuid?.() === 0;
    const apt = spawnSync("sh", ["-c", "command -v apt-get"]).status === 0;
    if (!(root && apt && isDebianLike())) {
      throw new Error(
        "wrk is not installed. Install it (Debian/Ubuntu: `sudo apt-get install -y wrk`) and run the bench again.",
      );
    }
    console.error("[bench] wrk not found; installing Debian's wrk package");
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    for (const args of [
      ["update", "-qq"],
      ["install", "-y", "-qq", "wrk"],
    ]) {
      if (spawnSync("apt-get", args, { stdio: "inherit", env }).status !== 0) {
        throw new Error(`\`apt-get ${args.join(" ")}\` failed: install wrk by hand`);
      }
    }
  }
  // `wrk -v` prints its version line and exits 1.
  const version = spawnSync("wrk", ["-v"], { encoding: "utf8" });
  return (
    `${version.stdout}${version.stderr}`.split("\n")[0]?.split(" Copyright")[0]?.trim() ?? "wrk"
  );
}

export interface WrkRun {
  url: string;
  /** A script in ./lua: get, login or refresh. */
  script: "get" | "login" | "refresh";
  durationSec: number;
  connections: number;
  /** BENCH_TOKENS, BENCH_LOGINS: files the script reads. */
  files?: Record<string, string>;
}

/** wrk's threads: two (the machine has two cores), never more than connections. */
export const wrkThreads = (connections: number) => Math.min(2, connections);

/** One bounded wrk run; resolves with its parsed results. */
export async function runWrk(run: WrkRun): Promise<LoadResult> {
  const threads = wrkThreads(run.connections);
  const args = [
    `-t${threads}`,
    `-c${run.connections}`,
    `-d${run.durationSec}s`,
    "--timeout",
    "10s",
    "--latency",
    "-s",
    `${LUA_DIR}/${run.script}.lua`,
    run.url,
  ];
  const child = spawnGroup("wrk", args, {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, BENCH_LUA_DIR: LUA_DIR, BENCH_THREADS: String(threads), ...run.files },
  });
  const { code, stdout, stderr } = await runToEnd(child);
  try {
    return parseWrkOutput(stdout);
  } catch (error) {
    throw new Error(`wrk exited ${code}: ${stderr || (error as Error).message}`);
  }
}
