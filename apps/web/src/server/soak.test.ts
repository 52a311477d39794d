// A bounded soak of `pnpm start` (issue 13): SOAK_SECONDS (default 60) of mixed auth.me /
// auth.refresh / auth.login / auth.logout traffic from a few clients, with the rate limits out of
// the way. No answer may be a 5xx, every session that was not logged out must still refresh
// afterwards, and the server's memory at the end must stay within a stated bound of its memory
// once warm (growth per request would cross it). The figures are printed for PERFORMANCE.md.
import { readFile, rm } from "node:fs/promises";
import { rateLimitsOff } from "@kit/api/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDataDir, type StartedApp, startApp, stopApp } from "./testing/app-process";

const SECONDS = Number(process.env.SOAK_SECONDS || 60);
const CLIENTS = 8;
/**
 * The server runs with its V8 heap capped (what every call keeps alive must fit, or it fails
 * with an out-of-memory crash, which the test sees as lost answers), so that V8's lazy heap
 * growth does not blur the RSS comparison: uncapped, the same soak grows 70–85 MB that a GC
 * would give back. Then RSS may gain at most GROWTH_BOUND_MB from the end of the warm-up to
 * the end of the soak.
 */
const HEAP_FLAGS = "--max-old-space-size=96 --max-semi-space-size=8";
const GROWTH_BOUND_MB = 32;
const WARM_UP_SECONDS = Math.min(20, SECONDS / 3);

interface Pair {
  access: string;
  refresh: string;
}

interface Session {
  email: string;
  access: string;
  refresh: string;
  loggedOut: boolean;
}

let app: StartedApp;
let dataDir: string;
beforeAll(async () => {
  dataDir = await freshDataDir("kit-soak-");
  app = await startApp(dataDir, { ...rateLimitsOff(), NODE_OPTIONS: HEAP_FLAGS });
});
afterAll(async () => {
  if (app) await stopApp(app.process);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

describe("a soak of mixed traffic", () => {
  // The traffic's own time, then the checks of every session: more than the default.
  it(`answers no 5xx, loses no session and keeps its memory bounded for ${SECONDS} s`, {
    timeout: SECONDS * 1000 + 180_000,
  }, async () => {
    const call = async (procedure: string, body?: unknown, token?: string) => {
      const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
      const res = await fetch(`${app.base}/api/trpc/${procedure}`, {
        method: body === undefined ? "GET" : "POST",
        headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as { result?: { data: Pair } } };
    };
    const password = "soak-password-123";
    const counts: Record<string, number> = {};
    const failures: string[] = [];
    const record = (procedure: string, status: number) => {
      counts[procedure] = (counts[procedure] ?? 0) + 1;
      if (status >= 500) failures.push(`${procedure} ${status}`);
    };

    // Each client owns its sessions, so no two calls ever race one refresh token.
    const clients = await Promise.all(
      Array.from({ length: CLIENTS }, async (_, i) => {
        const email = `soak-${process.pid}-${i}@example.com`;
        const reply = await call("auth.register", { email, password });
        const pair = reply.body.result?.data as Pair;
        return [{ email, ...pair, loggedOut: false }] as Session[];
      }),
    );

    const pid = app.process.pid as number;
    const end = Date.now() + SECONDS * 1000;
    let warm = 0;
    const warmUp = setTimeout(async () => {
      warm = await rssMb(pid);
    }, WARM_UP_SECONDS * 1000);
    await Promise.all(
      clients.map(async (sessions) => {
        let turn = 0;
        while (Date.now() < end) {
          turn += 1;
          const live = sessions.filter((session) => !session.loggedOut);
          const session = live[turn % live.length] as Session;
          // Of 40 calls: 26 auth.me, 12 refreshes, one login (a new session), one logout.
          const pick = turn % 40;
          if (pick < 26) {
            const me = await call("auth.me", undefined, session.access);
            record("auth.me", me.status);
          } else if (pick < 38) {
            const next = await call("auth.refresh", { refresh: session.refresh });
            record("auth.refresh", next.status);
            const pair = next.body.result?.data;
            if (pair) Object.assign(session, pair);
          } else if (pick === 38) {
            const login = await call("auth.login", { email: session.email, password });
            record("auth.login", login.status);
            const pair = login.body.result?.data;
            if (pair) sessions.push({ email: session.email, ...pair, loggedOut: false });
          } else if (live.length > 1) {
            const out = await call("auth.logout", { refresh: session.refresh });
            record("auth.logout", out.status);
            if (out.status === 200) session.loggedOut = true;
          }
        }
      }),
    );
    clearTimeout(warmUp);
    const after = await rssMb(pid);

    // Every session still open refreshes; every one logged out stays out.
    const all = clients.flat();
    const lost: string[] = [];
    for (const session of all) {
      const next = await call("auth.refresh", { refresh: session.refresh });
      if (session.loggedOut) expect(next.status).toBe(401);
      else if (next.status !== 200) lost.push(`${session.email}: ${next.status}`);
    }

    const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
    console.log(
      `[soak] ${SECONDS} s, ${CLIENTS} clients: ${total} calls (${Math.round(total / SECONDS)}/s) ${JSON.stringify(counts)}; ` +
        `5xx ${failures.length}; sessions ${all.length} (${all.filter((s) => s.loggedOut).length} logged out), lost ${lost.length}; ` +
        `server RSS warm ${warm.toFixed(1)} MB, after ${after.toFixed(1)} MB`,
    );
    expect(failures).toEqual([]);
    expect(lost).toEqual([]);
    expect(warm).toBeGreaterThan(0);
    expect(after - warm).toBeLessThanOrEqual(GROWTH_BOUND_MB);
  });
});
