// The built Next.js app as a newcomer runs it: `next start` on a fresh data folder (embedded
// PostgreSQL, migrations, demo user), then the README's login -> me -> refresh -> logout flow.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { withoutEnvFiles } from "@kit/api/testing/env-isolation";
import { createPrismaClient, ensureEmbeddedPostgres } from "@kit/db";
import { freePort } from "@kit/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  freshDataDir,
  type StartedApp,
  startApp,
  startServe,
  stopApp,
  webDir,
} from "./testing/app-process";

let app: ChildProcess;
let base: string;
let dataDir: string;
let output: () => string = () => "";

beforeAll(async () => {
  if (!existsSync(path.join(webDir, ".next", "BUILD_ID"))) {
    throw new Error(
      "apps/web is not built: run `pnpm build` first (turbo does it for `pnpm test`).",
    );
  }
  dataDir = await freshDataDir("kit-web-");
  const started = await startApp(dataDir);
  app = started.process;
  base = started.base;
  output = started.output;
});

afterAll(async () => {
  if (app) await stopApp(app);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function call(method: "GET" | "POST", proc: string, input?: unknown, token?: string) {
  const headers: Record<string, string> = {};
  if (method === "POST") headers["content-type"] = "application/json";
  if (token) headers.authorization = `Bearer ${token}`;
  const url = method === "GET" ? `${base}/api/trpc/${proc}` : `${base}/api/trpc/${proc}`;
  const res = await fetch(url, {
    method,
    headers,
    body: method === "POST" ? JSON.stringify(input ?? {}) : undefined,
  });
  return { status: res.status, headers: res.headers, body: await res.json() };
}

describe("the built app", () => {
  it("serves the home page with no framework fingerprint", async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("JWT Auth Kit");
    expect(res.headers.get("x-powered-by")).toBeNull();
  });

  it("sends the security headers on a page, its nonce on every script Next.js renders", async () => {
    const nonceOf = async (res: Response) => {
      expect(res.status).toBe(200);
      const policy = res.headers.get("content-security-policy") ?? "";
      const nonce = /'nonce-([A-Za-z0-9+/]+={0,2})'/.exec(policy)?.[1];
      expect(nonce, policy).toBeDefined();
      // Every script tag of the page carries that very nonce: none would run without it.
      const scripts = (await res.text()).match(/<script\b[^>]*>/g) ?? [];
      expect(scripts.length).toBeGreaterThan(0);
      for (const tag of scripts) expect(tag).toContain(` nonce="${nonce}"`);
      return nonce;
    };
    const first = await fetch(`${base}/login`);
    const policy = first.headers.get("content-security-policy") ?? "";
    expect(policy).toContain("default-src 'self'");
    expect(policy).toContain("'strict-dynamic'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toContain("unsafe");
    expect(first.headers.get("x-content-type-options")).toBe("nosniff");
    expect(first.headers.get("referrer-policy")).toBe("same-origin");
    expect(first.headers.get("x-frame-options")).toBe("DENY");
    // A new nonce for every request: a page rendered once could not carry it.
    expect(await nonceOf(first)).not.toBe(await nonceOf(await fetch(`${base}/login`)));
    // A nonce a client sends in its own request header is not the one the page is rendered with.
    const chosen = await fetch(`${base}/`, {
      headers: { "content-security-policy": "script-src 'nonce-Y2hvc2VuYnljbGllbnQ='" },
    });
    expect(await nonceOf(chosen)).not.toBe("Y2hvc2VuYnljbGllbnQ=");
    // Unknown paths are pages too.
    const missing = await fetch(`${base}/no-such-page`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  });

  it("sends no HSTS over plain HTTP, whatever X-Forwarded-Proto a client writes", async () => {
    const plain = await fetch(`${base}/`);
    expect(plain.headers.get("strict-transport-security")).toBeNull();
    // No proxy is trusted here (AUTH_TRUST_PROXY=0), so this is the client's own word.
    const claimed = await fetch(`${base}/`, { headers: { "x-forwarded-proto": "https" } });
    expect(claimed.status).toBe(200);
    expect(claimed.headers.get("strict-transport-security")).toBeNull();
  });

  it("sends nosniff on the build's scripts and styles, which skip the pages' headers", async () => {
    const page = await (await fetch(`${base}/login`)).text();
    const assets = [...page.matchAll(/(?:src|href)="(\/_next\/static\/[^"]+\.(?:js|css))"/g)];
    const script = assets.find((match) => match[1]?.endsWith(".js"))?.[1];
    expect(script, "a script of the build on /login").toBeDefined();
    const res = await fetch(`${base}${script}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("javascript");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("sends the API's security headers on what Next.js answers under /api/ (its not-found page)", async () => {
    const missing = await fetch(`${base}/api/nothing-here`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get("x-content-type-options")).toBe("nosniff");
    expect(missing.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(missing.headers.get("cache-control")).toContain("no-store");
  });

  it("answers a server action call quietly (the app has none), where Next.js logged a stack trace", async () => {
    const before = output().length;
    const named = await fetch(`${base}/`, {
      method: "POST",
      headers: { "next-action": "7f0123456789abcdef0123456789abcdef01234567" },
      body: "[]",
    });
    expect(named.status).toBe(404);
    const form = new FormData();
    form.set("$ACTION_ID_7f0123456789abcdef0123456789abcdef01234567", "");
    const posted = await fetch(`${base}/login`, { method: "POST", body: form });
    expect(posted.status).toBe(404);
    expect(posted.headers.get("x-content-type-options")).toBe("nosniff");
    // Any other POST to a page renders it, as before.
    const plain = await fetch(`${base}/login`, {
      method: "POST",
      body: new URLSearchParams("a=b"),
    });
    expect(plain.status).toBe(200);
    expect(output().slice(before)).not.toMatch(/Server Action|Server Reference/);
  });

  it("answers a page asked for by absolute target as its path: no redirect to the host it names, no 500", async () => {
    // node:http writes `path` into the request line as given, as a client of a proxy would.
    const asked = (target: string, method = "GET", headers: Record<string, string> = {}) =>
      new Promise<{ status?: number; location?: string }>((resolve, reject) => {
        const { hostname, port } = new URL(base);
        const sent = httpRequest({ hostname, port, method, path: target, headers }, (res) => {
          res.resume();
          res.once("end", () =>
            resolve({ status: res.statusCode, location: res.headers.location }),
          );
        });
        sent.once("error", reject);
        sent.end();
      });
    // Before: a permanent (cacheable) redirect to http://evil.example/dashboard.
    expect(await asked("http://evil.example/dashboard")).toEqual({
      status: 307,
      location: "/login?next=/dashboard",
    });
    expect((await asked("http://evil.example/login")).status).toBe(200);
    // Before: 500 from Next.js (`*` is no URL it can parse).
    expect((await asked("*", "OPTIONS")).status).toBe(204);
    // Before: 500 from Next.js and tRPC alike, a TypeError's stack in the log (no Fetch Request
    // can carry TRACE).
    const before = output().length;
    for (const path of ["/", "/dashboard", "/api/trpc/auth.me"]) {
      expect((await asked(path, "TRACE")).status, path).toBe(405);
    }
    expect(output().slice(before)).not.toMatch(/TypeError|"level":50/);
    // A Host header that names no host: 400 on pages too (RFC 9112 §3.2), not a page rendered
    // for it.
    for (const path of ["/", "/login", "/api/trpc/auth.me"]) {
      expect((await asked(path, "GET", { host: "exa mple" })).status, path).toBe(400);
    }
  });

  it("signs the demo user in and runs login -> me -> refresh -> logout", async () => {
    const login = await call("POST", "auth.login", {
      email: "demo@example.com",
      password: "demo-password",
    });
    expect(login.status).toBe(200);
    const { access, refresh, user } = login.body.result.data;
    expect(user.email).toBe("demo@example.com");
    expect(login.headers.get("x-powered-by")).toBeNull();
    // No trace of the framework on the API: Next's router entries are stripped from Vary.
    expect(login.headers.get("vary") ?? "").not.toMatch(/rsc|next-/i);

    const me = await call("GET", "auth.me", undefined, access);
    expect(me.body.result.data).toEqual({ ...user, role: "user" });

    // The connection's address reaches the app through server.ts, not through any header.
    const sessions = await fetch(`${base}/api/trpc/account.sessions`, {
      headers: { authorization: `Bearer ${access}`, "x-forwarded-for": "203.0.113.66" },
    }).then((res) => res.json());
    const current = sessions.result.data.find((s: { current: boolean }) => s.current);
    expect(current.ip).toBe("127.0.0.1");

    const rotated = await call("POST", "auth.refresh", { refresh });
    expect(rotated.status).toBe(200);
    expect(rotated.body.result.data.refresh).not.toBe(refresh);

    // Replayed at once (a second tab, a retried request): the grace window hands back the
    // session's current pair rather than treating it as theft.
    const replayed = await call("POST", "auth.refresh", { refresh });
    expect(replayed.status).toBe(200);
    expect(replayed.body.result.data.refresh).toBe(rotated.body.result.data.refresh);

    const again = await call("POST", "auth.login", {
      email: "demo@example.com",
      password: "demo-password",
    });
    const out = await call("POST", "auth.logout", { refresh: again.body.result.data.refresh });
    expect(out.body.result.data).toEqual({ ok: true });
    const after = await call("GET", "auth.me", undefined, again.body.result.data.access);
    expect(after.body.error.data).toMatchObject({ httpStatus: 401, appCode: "TOKEN_REVOKED" });
  });

  it("answers the app's own procedure, as `pnpm serve` (apps/web/serve.ts) does", async () => {
    const login = await call("POST", "auth.login", {
      email: "demo@example.com",
      password: "demo-password",
    });
    const summary = await call("GET", "overview.summary", undefined, login.body.result.data.access);
    expect(summary.body.result.data).toEqual({
      greeting: "Welcome back, Demo User",
      liveSessions: expect.any(Number),
    });

    // The standalone entry serves the same composed router, on a data folder of its own.
    const serveDir = await freshDataDir("kit-serve-");
    const serve = await startServe(serveDir);
    try {
      const standalone = `${serve.base}/api/trpc`;
      const signedIn = await fetch(`${standalone}/auth.login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "demo@example.com", password: "demo-password" }),
      }).then((res) => res.json());
      const served = await fetch(`${standalone}/overview.summary`, {
        headers: { authorization: `Bearer ${signedIn.result.data.access}` },
      }).then((res) => res.json());
      expect(served.result.data).toEqual({ greeting: "Welcome back, Demo User", liveSessions: 1 });
    } finally {
      await stopApp(serve.process);
      await rm(serveDir, { recursive: true, force: true });
    }
  });

  it("applies the same limits as the standalone server", async () => {
    const big = await fetch(`${base}/api/trpc/auth.login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "demo@example.com", password: "p".repeat(64 * 1024) }),
    });
    expect(big.status).toBe(413);
    const unknown = await call("POST", "auth.nothing", {});
    expect(unknown.status).toBe(404);
    const bad = await fetch(`${base}/api/trpc/auth.login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{oops",
    });
    expect(bad.status).toBe(400);
    const crash = await call("POST", "auth.login", { email: "x@example.com", password: "y" });
    expect(crash.body.error.data.stack).toBeUndefined();
  });

  it("holds one runtime for routes, server components and instrumentation", async () => {
    // The API (answered by server.ts before Next.js), in cookie mode, so that a server component
    // can render too.
    const login = await fetch(`${base}/api/trpc/auth.login`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-auth-refresh": "cookie", origin: base },
      body: JSON.stringify({ email: "demo@example.com", password: "demo-password" }),
    });
    expect(login.status).toBe(200);
    const { access } = ((await login.json()) as { result: { data: { access: string } } }).result
      .data;
    const cookie =
      login.headers
        .getSetCookie()
        .find((line) => line.startsWith("kit_refresh="))
        ?.split(";")[0] ?? "";
    expect(cookie).toMatch(/^kit_refresh=/);
    expect((await call("GET", "auth.me", undefined, access)).status).toBe(200);
    // The dashboard is a server component: it reads the session through the runtime as well.
    const page = await fetch(`${base}/dashboard`, { headers: { cookie }, redirect: "manual" });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("demo@example.com");
    // A refused token from a server component's side must not be a 500 either.
    const stale = await fetch(`${base}/dashboard`, {
      headers: { cookie: "kit_refresh=abc.def.ghi" },
      redirect: "manual",
    });
    expect(stale.status).toBe(307);

    // Exactly one runtime came into being: one "ready" line, and every connection of the app's
    // pools (Prisma and the rate limiter) carries that one runtime's name.
    const ready = [...output().matchAll(/\[runtime\] ready: (kit-runtime-[0-9a-f]+)/g)];
    expect(ready).toHaveLength(1);
    const id = ready[0]?.[1];
    const database = await ensureEmbeddedPostgres({ dataDir });
    const prisma = createPrismaClient(database.url);
    try {
      const rows = await prisma.$queryRaw<{ runtime: string }[]>`
        SELECT DISTINCT split_part(application_name, ':', 1) AS runtime
        FROM pg_stat_activity WHERE application_name LIKE 'kit-runtime-%'`;
      expect(rows.map((row) => row.runtime)).toEqual([id]);
    } finally {
      await prisma.$disconnect();
      await database.stop();
    }
  });

  it("stops the embedded PostgreSQL when the app stops", async () => {
    const pidFile = path.join(dataDir, "postgres", "postmaster.pid");
    expect(existsSync(pidFile)).toBe(true);
    const exited = new Promise<number | null>((resolve) => app.once("exit", resolve));
    app.kill("SIGTERM");
    await exited;
    const deadline = Date.now() + 10_000;
    while (existsSync(pidFile) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(existsSync(pidFile)).toBe(false);
  });

  it("keeps the generated secret owner-only in the data folder", async () => {
    // (Runs after the app stopped: it reads the data folder only.)
    const { stat } = await import("node:fs/promises");
    const info = await stat(path.join(dataDir, "auth-secret"));
    expect(info.mode & 0o777).toBe(0o600);
    expect(output()).toContain("AUTH_SECRET");
  });
});

describe("behind a trusted proxy (AUTH_TRUST_PROXY=1)", () => {
  let proxied: StartedApp | undefined;
  let folder: string | undefined;
  beforeAll(async () => {
    folder = await freshDataDir("kit-web-proxied-");
    proxied = await startApp(folder, { AUTH_TRUST_PROXY: "1" });
  });
  afterAll(async () => {
    if (proxied) await stopApp(proxied.process);
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it("sends HSTS when the proxy says the request came over HTTPS, and only then", async () => {
    const page = (proto?: string) =>
      fetch(`${proxied?.base}/`, { headers: proto ? { "x-forwarded-proto": proto } : {} });
    const https = await page("https");
    expect(https.status).toBe(200);
    expect(https.headers.get("strict-transport-security")).toBe(
      "max-age=63072000; includeSubDomains",
    );
    expect((await page("http")).headers.get("strict-transport-security")).toBeNull();
    expect((await page()).headers.get("strict-transport-security")).toBeNull();
    // The proxy's entry is the rightmost: a client's "https" in front of it does not count.
    expect((await page("https, http")).headers.get("strict-transport-security")).toBeNull();
  });
});

/** Every process below `pid` (children, grandchildren...), from /proc. */
async function descendants(pid: number): Promise<number[]> {
  const { readdir } = await import("node:fs/promises");
  const parents = new Map<number, number[]>();
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    // Fields after the command (which may hold spaces) start after its closing parenthesis.
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of parents.get(queue.shift() as number) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("one worker per core (WEB_CONCURRENCY=2)", () => {
  let cluster: StartedApp | undefined;
  let folder: string | undefined;
  beforeAll(async () => {
    folder = await freshDataDir("kit-web-cluster-");
    cluster = await startApp(folder, { WEB_CONCURRENCY: "2" });
  });
  afterAll(async () => {
    if (cluster) await stopApp(cluster.process);
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it("serves from two workers, each with its own runtime, on one embedded database", async () => {
    const app = cluster as StartedApp;
    expect(app.output()).toContain("(2 workers)");
    const ready = new Set(
      [...app.output().matchAll(/\[runtime\] ready: (kit-runtime-[0-9a-f]+)/g)].map((m) => m[1]),
    );
    expect(ready.size).toBe(2);
    // One PostgreSQL server: the primary started it and the workers reuse it.
    expect(app.output().match(/started embedded PostgreSQL/g)).toHaveLength(1);
    const login = await demoLogin(app.base);
    expect(login.status).toBe(200);
    const { access } = ((await login.json()) as { result: { data: { access: string } } }).result
      .data;
    for (let i = 0; i < 10; i += 1) {
      const me = await fetch(`${app.base}/api/trpc/auth.me`, {
        headers: { authorization: `Bearer ${access}` },
      });
      expect(me.status).toBe(200);
    }
  });

  it("replaces a worker that dies; the other answers meanwhile", async () => {
    const app = cluster as StartedApp;
    const workers = [...app.output().matchAll(/\[web\] worker (\d+) listening/g)].map((m) =>
      Number(m[1]),
    );
    expect(workers).toHaveLength(2);
    expect(workers.every(isAlive)).toBe(true);
    const readyLines = () => app.output().match(/\[runtime\] ready:/g)?.length ?? 0;
    expect(readyLines()).toBe(2);
    process.kill(workers[0] as number, "SIGKILL");
    const deadline = Date.now() + 90_000;
    // Once the primary has noticed (before that it may still hand the dead one a connection).
    while (!app.output().includes("starting another") && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    while (readyLines() < 3 && Date.now() < deadline) {
      expect((await demoLogin(app.base)).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(app.output()).toContain("starting another");
    expect(readyLines()).toBe(3);
  });

  it("on SIGTERM stops every worker and the database, and exits 0", async () => {
    const app = cluster as StartedApp;
    const pid = app.process.pid as number;
    // The primary, its workers and PostgreSQL.
    const family = [];
    for (const child of await descendants(pid)) {
      const command = await readFile(`/proc/${child}/cmdline`, "utf8").catch(() => "");
      if (/start\.mjs|postgres/.test(command)) family.push(child);
    }
    expect(family.length).toBeGreaterThanOrEqual(3);
    const pidFile = path.join(folder as string, "postgres", "postmaster.pid");
    expect(existsSync(pidFile)).toBe(true);
    const exited = new Promise<number | null>((resolve) => app.process.once("exit", resolve));
    app.process.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(existsSync(pidFile)).toBe(false);
    expect(family.filter(isAlive)).toEqual([]);
    cluster = undefined;
  });
});

const DEMO_ADMIN = { email: "admin@example.com", password: "admin-password" };

/** A demo login naming `host` in its Host header (fetch cannot: it always sends the URL's). */
const demoLoginAs = (url: string, host: string) =>
  new Promise<{ status?: number; body: string }>((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const body = JSON.stringify({ email: "demo@example.com", password: "demo-password" });
    const sent = httpRequest(
      {
        hostname,
        port,
        method: "POST",
        path: "/api/trpc/auth.login",
        headers: { host, "content-type": "application/json" },
      },
      (res) => {
        let text = "";
        res.on("data", (chunk) => {
          text += chunk;
        });
        res.once("end", () => resolve({ status: res.statusCode, body: text }));
      },
    );
    sent.once("error", reject);
    sent.end(body);
  });

const demoLogin = (
  url: string,
  account = { email: "demo@example.com", password: "demo-password" },
) =>
  fetch(`${url}/api/trpc/auth.login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(account),
  });

// Both scripts in apps/web/package.json set these before node starts; only a test of the script
// itself (through pnpm, as the README runs it) sees them.
describe.each<{
  script: string;
  entry: string;
  processes: number;
  start: (folder: string, env: Record<string, string>) => Promise<StartedApp>;
}>([
  {
    script: "pnpm start",
    entry: "start.mjs",
    // Two workers (WEB_CONCURRENCY is pnpm start's): the primary passes its environment on.
    processes: 3,
    start: (folder, env) => startApp(folder, { ...env, WEB_CONCURRENCY: "2" }, undefined, "pnpm"),
  },
  {
    script: "pnpm serve",
    entry: "serve.mjs",
    processes: 1,
    start: (folder, env) => startServe(folder, env, "pnpm"),
  },
])("the Node settings of $script, in every server process", ({ entry, processes, start }) => {
  let started: StartedApp | undefined;
  let folder: string | undefined;
  beforeAll(async () => {
    folder = await freshDataDir("kit-web-settings-");
    // A user's own young generation size, which must win over the script's.
    started = await start(folder, { NODE_OPTIONS: "--max-semi-space-size=24" });
  });
  afterAll(async () => {
    if (started) await stopApp(started.process);
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it("sets Node 20's young generation (a NODE_OPTIONS of the user's after it) and glibc malloc's arenas and mmap threshold", async () => {
    const servers: number[] = [];
    for (const pid of await descendants((started as StartedApp).process.pid as number)) {
      const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
      if (cmdline.split("\0").some((arg) => arg.endsWith(entry))) servers.push(pid);
    }
    expect(servers).toHaveLength(processes);
    for (const pid of servers) {
      const environ = (await readFile(`/proc/${pid}/environ`, "utf8")).split("\0");
      // The script's first: V8 takes the last of a flag given twice, so the user's wins.
      expect(environ, `environment of ${pid}`).toContain(
        "NODE_OPTIONS=--max-semi-space-size=16 --max-semi-space-size=24",
      );
      expect(environ, `environment of ${pid}`).toContain("MALLOC_ARENA_MAX=2");
      expect(environ, `environment of ${pid}`).toContain("MALLOC_MMAP_THRESHOLD_=1048576");
    }
  });
});

describe("the demo user and the address the server listens on", () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), "kit-host-"));
    await chmod(folder, 0o755);
  });
  afterAll(async () => {
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it("with PORT=0 listens where the system puts it, and says where", async () => {
    // A folder of its own: the tests below expect theirs fresh.
    const own = await freshDataDir("kit-port-");
    const app = await startApp(own, { PORT: "0" });
    try {
      // Before: "ready on http://127.0.0.1:0", no address at all.
      const port = Number(new URL(app.base).port);
      expect(port).toBeGreaterThan(0);
      expect((await fetch(`${app.base}/api/health`)).status).toBe(200);
    } finally {
      await stopApp(app.process);
      await rm(own, { recursive: true, force: true });
    }
  });

  it("listens on loopback by default, where the demo user exists and the home page names it", async () => {
    const app = await startApp(folder, {}, []);
    try {
      expect(app.output()).toMatch(/\[web\] ready on http:\/\/127\.0\.0\.1:\d+/);
      expect(app.output()).toContain("[db] demo account created: demo@example.com");
      expect(app.output()).toContain("[db] demo account created: admin@example.com");
      // Every line of start-up's database work says where it comes from, as the rest do.
      expect(app.output()).toMatch(
        /^\[db\] started embedded PostgreSQL on port \d+ \(new cluster/m,
      );
      expect(app.output()).toMatch(/^\[db\] applied migration \d+_init \(\d+ ms\)$/m);
      expect((await demoLogin(app.base)).status).toBe(200);
      const admin = await demoLogin(app.base, DEMO_ADMIN);
      expect(admin.status).toBe(200);
      const { access } = (await admin.json()).result.data;
      const me = await fetch(`${app.base}/api/trpc/auth.me`, {
        headers: { authorization: `Bearer ${access}` },
      });
      expect((await me.json()).result.data).toMatchObject({ role: "admin" });
      const home = await (await fetch(`${app.base}/`)).text();
      expect(home).toContain("demo-password");
      expect(home).toContain("admin-password");
      // Only on a request naming this machine: a page whose own name an attacker points at
      // 127.0.0.1 (DNS rebinding) is refused as a wrong password would be.
      const port = new URL(app.base).port;
      expect((await demoLoginAs(app.base, `localhost:${port}`)).status).toBe(200);
      const rebound = await demoLoginAs(app.base, `rebind.attacker.example:${port}`);
      expect(rebound.status).toBe(401);
      expect(JSON.parse(rebound.body).error.data.appCode).toBe("INVALID_CREDENTIALS");
      // Through a proxy on this machine that passes its own Host on (nginx's default): the
      // request names this machine but comes from whoever reached the proxy.
      const proxied = await fetch(`${app.base}/api/trpc/auth.login`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-for": "203.0.113.7" },
        body: JSON.stringify(DEMO_ADMIN),
      });
      expect(proxied.status).toBe(401);
      expect((await proxied.json()).error.data.appCode).toBe("INVALID_CREDENTIALS");
    } finally {
      await stopApp(app.process);
    }
  });

  it("behind a proxy it was told of (AUTH_TRUST_PROXY), refuses the demo user on loopback too", async () => {
    const app = await startApp(folder, { AUTH_TRUST_PROXY: "1" }, []);
    try {
      expect(app.output()).toContain(
        "[db] demo user refused: this server is behind a proxy (AUTH_TRUST_PROXY=1;",
      );
      expect((await demoLogin(app.base, DEMO_ADMIN)).status).toBe(401);
    } finally {
      await stopApp(app.process);
    }
  });

  it("beyond loopback refuses the existing demo user and stops naming it", async () => {
    const app = await startApp(folder, { HOST: "0.0.0.0" }, []);
    try {
      expect(app.output()).toContain("[db] demo user refused");
      const login = await demoLogin(app.base);
      expect(login.status).toBe(401);
      expect((await login.json()).error.data.appCode).toBe("INVALID_CREDENTIALS");
      expect((await demoLogin(app.base, DEMO_ADMIN)).status).toBe(401);
      const home = await (await fetch(`${app.base}/`)).text();
      expect(home).not.toContain("demo-password");
      expect(home).not.toContain("admin-password");
    } finally {
      await stopApp(app.process);
    }
  });

  it("beyond loopback creates no demo user on a fresh folder", async () => {
    const fresh = await mkdtemp(path.join(tmpdir(), "kit-host-fresh-"));
    await chmod(fresh, 0o755);
    const app = await startApp(fresh, {}, ["--hostname", "0.0.0.0"]);
    try {
      expect(app.output()).not.toContain("demo account created");
      expect((await demoLogin(app.base)).status).toBe(401);
    } finally {
      await stopApp(app.process);
      await rm(fresh, { recursive: true, force: true });
    }
  });

  it("DEMO_USER=on allows it beyond loopback, on purpose", async () => {
    const app = await startApp(folder, { HOST: "0.0.0.0", DEMO_USER: "on" }, []);
    try {
      expect((await demoLogin(app.base)).status).toBe(200);
    } finally {
      await stopApp(app.process);
    }
  });
});

describe("starting the app the wrong way", () => {
  it("a bare `next start` refuses to start: it cannot see the client's address", async () => {
    const folder = await mkdtemp(path.join(tmpdir(), "kit-bare-"));
    await chmod(folder, 0o755);
    try {
      const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: folder, NODE_ENV: "production" };
      delete env.DATABASE_URL;
      delete env.AUTH_TRUST_PROXY;
      const port = await freePort();
      const run = await exitOf(
        spawn(path.join(webDir, "node_modules", ".bin", "next"), ["start", "-p", String(port)], {
          cwd: webDir,
          env: withoutEnvFiles(env),
        }),
      );
      expect(run.code).toBe(1);
      expect(run.output).toContain(
        "[web] start-up failed: this server cannot see the client's address",
      );
      expect(run.output).toContain("AUTH_TRUST_PROXY");
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it("`pnpm start` refuses an argument it does not take, in one line, and reads --hostname=", async () => {
    const env = { ...process.env, NODE_ENV: "production" as const, PORT: "1" };
    for (const [args, line] of [
      [["--bogus"], '[web] unknown argument "--bogus"'],
      [["--dev"], '[web] unknown argument "--dev"'],
      [["--hostname"], "[web] --hostname needs a host"],
    ] as const) {
      const run = await exitOf(
        spawn(process.execPath, ["start.mjs", ...args], { cwd: webDir, env }),
      );
      expect(run.code, args.join(" ")).toBe(1);
      expect(run.output.trim().split("\n"), args.join(" ")).toHaveLength(1);
      expect(run.output.trim().startsWith(line), run.output).toBe(true);
    }
    // Before: the `=` form was ignored, the server stayed on loopback and the demo user with it.
    const folder = await freshDataDir("kit-args-");
    const app = await startApp(folder, {}, ["--hostname=0.0.0.0"]);
    try {
      expect(app.output()).toMatch(/\[web\] ready on http:\/\/0\.0\.0\.0:\d+/);
    } finally {
      await stopApp(app.process);
      await rm(folder, { recursive: true, force: true });
    }
  });

  it("`pnpm start` and `pnpm serve` before `pnpm build` say so in one line and exit 1", async () => {
    // The real launchers (no compiled server beside them), and the real server.ts (no .next/).
    const folder = await mkdtemp(path.join(tmpdir(), "kit-unbuilt-"));
    try {
      // server.ts's one static import comes along: an unbuilt checkout has its sources.
      await mkdir(path.join(folder, "src", "server"), { recursive: true });
      for (const file of [
        "start.mjs",
        "serve.mjs",
        "server.ts",
        "package.json",
        "src/server/server-args.ts",
      ]) {
        await copyFile(path.join(webDir, file), path.join(folder, file));
      }
      const env = { ...process.env, NODE_ENV: "production" as const };
      const commands: [string, string][] = [
        [process.execPath, path.join(folder, "start.mjs")],
        [path.join(webDir, "node_modules", ".bin", "tsx"), path.join(folder, "server.ts")],
      ];
      for (const [command, file] of commands) {
        const run = await exitOf(spawn(command, [file], { cwd: folder, env }));
        expect(run.code).toBe(1);
        expect(run.output.trim()).toBe("[web] no production build: run `pnpm build` first");
      }
      const serve = await exitOf(
        spawn(process.execPath, [path.join(folder, "serve.mjs")], { cwd: folder, env }),
      );
      expect(serve.code).toBe(1);
      expect(serve.output.trim()).toBe(
        "[web] no production build: run `pnpm build` first (`pnpm serve` runs its output)",
      );
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});

/** Waits for a process to end (60 s at most), with everything it printed. */
function exitOf(child: ChildProcess): Promise<{ code: number | null; output: string }> {
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
