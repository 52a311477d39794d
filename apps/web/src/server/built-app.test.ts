// The built Next.js app as a newcomer runs it: `next start` on a fresh data folder (embedded
// PostgreSQL, migrations, demo user), then the README's login -> me -> refresh -> logout flow.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, copyFile, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { createPrismaClient, ensureEmbeddedPostgres } from "@kit/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const webDir = path.resolve(import.meta.dirname, "../..");

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

let app: ChildProcess;
let base: string;
let dataDir: string;
let output = "";

beforeAll(async () => {
  if (!existsSync(path.join(webDir, ".next", "BUILD_ID"))) {
    throw new Error(
      "apps/web is not built: run `pnpm build` first (turbo does it for `pnpm test`).",
    );
  }
  dataDir = await mkdtemp(path.join(tmpdir(), "kit-web-"));
  // The embedded server runs as the `postgres` user when we are root: it must reach the folder.
  await chmod(dataDir, 0o755);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    DATA_DIR: dataDir,
    NODE_ENV: "production",
  };
  delete env.DATABASE_URL;
  delete env.AUTH_SECRET;
  // What `pnpm start` runs: server.ts in front of the built Next.js app.
  app = spawn(
    path.join(webDir, "node_modules", ".bin", "tsx"),
    ["server.ts", "--hostname", "127.0.0.1"],
    {
      cwd: webDir,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  app.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  app.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (app.exitCode !== null) throw new Error(`next start exited early:\n${output}`);
    try {
      const res = await fetch(`${base}/`);
      if (res.ok) break;
    } catch {}
    if (Date.now() > deadline) throw new Error(`next start did not answer in time:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
});

afterAll(async () => {
  if (app && app.exitCode === null) {
    const exited = new Promise((resolve) => app.once("exit", resolve));
    app.kill("SIGTERM");
    await exited;
  }
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
    expect(me.body.result.data).toEqual(user);

    // The connection's address reaches the app through server.ts, not through any header.
    const sessions = await fetch(`${base}/api/trpc/auth.sessions`, {
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
    // Through the route handler, in cookie mode, so that a server component can render too.
    const login = await fetch(`${base}/api/trpc/auth.login`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-auth-refresh": "cookie", origin: base },
      body: JSON.stringify({ email: "demo@example.com", password: "demo-password" }),
    });
    expect(login.status).toBe(200);
    const { access } = ((await login.json()) as { result: { data: { access: string } } }).result
      .data;
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
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
    const ready = [...output.matchAll(/\[runtime\] ready: (kit-runtime-[0-9a-f]+)/g)];
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
    expect(output).toContain("AUTH_SECRET");
  });
});

/** The build as `pnpm start` runs it, with these arguments and environment; ready when it answers. */
async function startApp(options: {
  dataDir: string;
  args?: string[];
  env?: Record<string, string>;
}) {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    DATA_DIR: options.dataDir,
    NODE_ENV: "production",
    ...options.env,
  };
  delete env.DATABASE_URL;
  delete env.AUTH_SECRET;
  if (!options.env?.HOST) delete env.HOST;
  const child = spawn(
    path.join(webDir, "node_modules", ".bin", "tsx"),
    ["server.ts", ...(options.args ?? [])],
    { cwd: webDir, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  let printed = "";
  child.stdout?.on("data", (chunk) => {
    printed += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    printed += chunk;
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the app exited early:\n${printed}`);
    try {
      if ((await fetch(`${url}/api/trpc/auth.me`)).status === 401) break;
    } catch {}
    if (Date.now() > deadline) throw new Error(`the app did not answer in time:\n${printed}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    url,
    output: () => printed,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

const demoLogin = (url: string) =>
  fetch(`${url}/api/trpc/auth.login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "demo@example.com", password: "demo-password" }),
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

  it("listens on loopback by default, where the demo user exists and the home page names it", async () => {
    const app = await startApp({ dataDir: folder });
    try {
      expect(app.output()).toMatch(/\[web\] ready on http:\/\/127\.0\.0\.1:\d+/);
      expect(app.output()).toContain("[db] demo user created: demo@example.com");
      expect((await demoLogin(app.url)).status).toBe(200);
      expect(await (await fetch(`${app.url}/`)).text()).toContain("demo-password");
    } finally {
      await app.stop();
    }
  });

  it("beyond loopback refuses the existing demo user and stops naming it", async () => {
    const app = await startApp({ dataDir: folder, env: { HOST: "0.0.0.0" } });
    try {
      expect(app.output()).toContain("[db] demo user refused");
      const login = await demoLogin(app.url);
      expect(login.status).toBe(401);
      expect((await login.json()).error.data.appCode).toBe("INVALID_CREDENTIALS");
      expect(await (await fetch(`${app.url}/`)).text()).not.toContain("demo-password");
    } finally {
      await app.stop();
    }
  });

  it("beyond loopback creates no demo user on a fresh folder", async () => {
    const fresh = await mkdtemp(path.join(tmpdir(), "kit-host-fresh-"));
    await chmod(fresh, 0o755);
    const app = await startApp({ dataDir: fresh, args: ["--hostname", "0.0.0.0"] });
    try {
      expect(app.output()).not.toContain("demo user created");
      expect((await demoLogin(app.url)).status).toBe(401);
    } finally {
      await app.stop();
      await rm(fresh, { recursive: true, force: true });
    }
  });

  it("DEMO_USER=on allows it beyond loopback, on purpose", async () => {
    const app = await startApp({ dataDir: folder, env: { HOST: "0.0.0.0", DEMO_USER: "on" } });
    try {
      expect((await demoLogin(app.url)).status).toBe(200);
    } finally {
      await app.stop();
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
          env,
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

  it("`pnpm start` before `pnpm build` says so in one line and exits 1", async () => {
    // The real server.ts, in a folder with no build beside it.
    const folder = await mkdtemp(path.join(tmpdir(), "kit-unbuilt-"));
    try {
      await copyFile(path.join(webDir, "server.ts"), path.join(folder, "server.ts"));
      await copyFile(path.join(webDir, "package.json"), path.join(folder, "package.json"));
      const run = await exitOf(
        spawn(path.join(webDir, "node_modules", ".bin", "tsx"), [path.join(folder, "server.ts")], {
          cwd: folder,
          env: { ...process.env, NODE_ENV: "production" },
        }),
      );
      expect(run.code).toBe(1);
      expect(run.output.trim()).toBe("[web] no production build: run `pnpm build` first");
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
