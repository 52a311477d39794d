// The built app (`pnpm start`, a server of this file's own) on a PostgreSQL that is stopped under
// it and started again: the dashboard (and the sign-in page, to a visitor with a session cookie)
// says the server cannot be reached instead of sending a signed-in visitor to sign in, the API
// answers 503 DB_UNAVAILABLE, and both serve again once PostgreSQL is back; an open page by itself.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { withoutEnvFiles } from "@kit/api/testing/env-isolation";
import { createPrismaClient, migrate } from "@kit/db";
import { freePort, type RestartablePostgres, startRestartablePostgres } from "@kit/db/testing";
import { type BrowserContext, expect, type Page, test } from "@playwright/test";

const webDir = path.resolve(import.meta.dirname, "..");
const SECRET = "outage-test-0123456789-abcdefghijklmnopqrstuvwxyz";

let postgres: RestartablePostgres;
let app: ChildProcess | undefined;
let exited: Promise<unknown> = Promise.resolve();
let dataDir: string;
let base: string;
let output = "";

test.beforeAll(async () => {
  test.setTimeout(180_000);
  if (!existsSync(path.join(webDir, "dist", "server.mjs"))) {
    throw new Error("apps/web is not built: run `pnpm build` first.");
  }
  postgres = await startRestartablePostgres();
  await migrate(postgres.url, {});
  dataDir = await mkdtemp(path.join(tmpdir(), "kit-web-outage-"));
  await chmod(dataDir, 0o755);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    DATA_DIR: dataDir,
    DATABASE_URL: postgres.url,
    AUTH_SECRET: SECRET,
    NODE_ENV: "production",
    LOG_LEVEL: "warn",
  };
  delete env.HOST;
  const child = spawn(process.execPath, ["start.mjs", "--hostname", "127.0.0.1"], {
    cwd: webDir,
    env: withoutEnvFiles(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  app = child;
  exited = new Promise((resolve) => child.once("exit", resolve));
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  const deadline = Date.now() + 120_000;
  while (!output.includes("[web] ready on")) {
    if (child.exitCode !== null) throw new Error(`pnpm start exited early:\n${output}`);
    if (Date.now() > deadline) throw new Error(`pnpm start did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
});

test.afterAll(async () => {
  await postgres?.start();
  if (app && app.exitCode === null && app.signalCode === null) {
    app.kill("SIGTERM");
    await exited;
  }
  await postgres?.dispose();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const dashboard = (cookie: string) =>
  fetch(`${base}/dashboard`, { headers: { cookie }, redirect: "manual" });

async function waitForHealth(): Promise<void> {
  const deadline = Date.now() + 15_000;
  while ((await fetch(`${base}/api/health`)).status !== 200) {
    if (Date.now() > deadline) throw new Error("health did not answer 200 again");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function registered(): Promise<{ email: string; access: string; cookie: string }> {
  const email = `outage-${Date.now()}@example.com`;
  const answer = await fetch(`${base}/api/trpc/auth.register`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-auth-refresh": "cookie", origin: base },
    body: JSON.stringify({ email, password: "correct horse battery" }),
  });
  expect(answer.status).toBe(200);
  const { access } = ((await answer.json()) as { result: { data: { access: string } } }).result
    .data;
  const cookie = answer.headers
    .getSetCookie()
    .map((line) => line.split(";")[0])
    .join("; ");
  expect(cookie).toContain("kit_refresh=");
  return { email, access, cookie };
}

/** A new account, signed in through its cookies in `context`, and a page of it. */
async function signedInPage(context: BrowserContext): Promise<{ email: string; page: Page }> {
  const { email, cookie } = await registered();
  await context.addCookies(
    cookie.split("; ").map((pair) => {
      const at = pair.indexOf("=");
      return { name: pair.slice(0, at), value: pair.slice(at + 1), url: base };
    }),
  );
  return { email, page: await context.newPage() };
}

test.describe.configure({ mode: "serial", timeout: 120_000 });

test("over HTTP: 'can't reach the server' on the dashboard, not the sign-in page, 503 from the API, and recovery", async () => {
  const { email, access, cookie } = await registered();
  const before = await dashboard(cookie);
  expect(before.status).toBe(200);
  expect(await before.text()).toContain(email);

  await postgres.stop();
  const during = await dashboard(cookie);
  expect(during.status).toBe(200);
  const page = await during.text();
  expect(page).toContain('data-testid="server-unreachable"');
  expect(page).not.toContain(email);
  // The admin page alike (it was a 500 with Prisma's stack in the log), whoever asks.
  const admin = await fetch(`${base}/admin`, { headers: { cookie }, redirect: "manual" });
  expect(admin.status).toBe(200);
  expect(await admin.text()).toContain('data-testid="server-unreachable"');
  const me = await fetch(`${base}/api/trpc/auth.me`, {
    headers: { authorization: `Bearer ${access}` },
  });
  expect(me.status).toBe(503);
  expect(me.headers.get("retry-after")).toBe("5");
  expect(((await me.json()) as { error: { data: { appCode: string } } }).error.data.appCode).toBe(
    "DB_UNAVAILABLE",
  );

  await postgres.start();
  await waitForHealth();
  const after = await dashboard(cookie);
  expect(after.status).toBe(200);
  expect(await after.text()).toContain(email);
});

test("over HTTP: the sign-in and sign-up pages say so to a visitor with a session cookie, and show their forms to one without", async () => {
  const { cookie } = await registered();
  await postgres.stop();
  try {
    for (const page of ["/login?next=%2Fadmin", "/register"]) {
      const signedIn = await fetch(`${base}${page}`, { headers: { cookie }, redirect: "manual" });
      expect(signedIn.status).toBe(200);
      const html = await signedIn.text();
      expect(html).toContain('data-testid="server-unreachable"');
      expect(html).toContain("<title>Can&#x27;t reach the server");
      expect(html).not.toContain('type="password"');
      // Nobody signed in: the form, whose call says it when it is sent (no database read here).
      const anonymous = await fetch(`${base}${page}`, { redirect: "manual" });
      expect(anonymous.status).toBe(200);
      const form = await anonymous.text();
      expect(form).not.toContain('data-testid="server-unreachable"');
      expect(form).toContain('type="password"');
    }
  } finally {
    await postgres.start();
  }
  await waitForHealth();
  const after = await fetch(`${base}/login?next=%2Fadmin`, {
    headers: { cookie },
    redirect: "manual",
  });
  expect(after.status).toBe(307);
  expect(after.headers.get("location")).toBe("/admin");
});

test("in the browser: the sign-in page opened while the database is away goes on by itself once it is back", async ({
  context,
}) => {
  const { email, page } = await signedInPage(context);

  await postgres.stop();
  try {
    await page.goto(`${base}/login`);
    await expect(page.getByTestId("server-unreachable")).toBeVisible();
    await expect(page).toHaveTitle(/^Can't reach the server/);
    await expect(page.getByRole("link", { name: "Try again" })).toHaveAttribute("href", "/login");
    await expect(page.getByLabel("Password")).toHaveCount(0);
  } finally {
    await postgres.start();
  }
  // No click: the health check reloads the page, which sends the signed-in visitor on.
  await expect(page.getByTestId("user-email")).toContainText(email, { timeout: 30_000 });
  await expect(page).toHaveURL(`${base}/dashboard`);
});

test("in the browser: the open dashboard comes back by itself once the database does", async ({
  context,
}) => {
  const { email, page } = await signedInPage(context);

  await postgres.stop();
  await page.goto(`${base}/dashboard`);
  await expect(page.getByTestId("server-unreachable")).toBeVisible();
  await expect(page).toHaveTitle(/^Can't reach the server/);
  await expect(page.getByTestId("user-email")).toHaveCount(0);
  // Still down: the page keeps asking and stays as it is (no sign-in page, no error page).
  await page.waitForResponse((res) => res.url().endsWith("/api/health") && res.status() === 503);
  await expect(page.getByTestId("server-unreachable")).toBeVisible();

  await postgres.start();
  // No click: the page's own health check reloads it.
  await expect(page.getByTestId("user-email")).toContainText(email, { timeout: 30_000 });
  await expect(page).toHaveURL(`${base}/dashboard`);
});

test("in the browser: an open dashboard whose database goes names each card that failed, in a live region", async ({
  context,
}) => {
  const { email, page } = await signedInPage(context);
  await page.goto(`${base}/dashboard`);
  await expect(page.getByTestId("user-email")).toContainText(email);
  await expect(page.getByTestId("sessions")).toBeVisible();

  await postgres.stop();
  try {
    await page.getByRole("button", { name: "Reload" }).click();
    const failures = page.getByTestId("load-failure");
    // Each card says which it is (the same sentence three times said nothing new), in the
    // status region each card keeps in the page.
    await expect(failures).toHaveText(
      [
        /^Overview: Can't reach the server/,
        /^Your sessions: Can't reach the server/,
        /^Recent activity: Can't reach the server/,
      ],
      { timeout: 30_000 },
    );
    for (const failure of await failures.all()) {
      await expect(failure.locator("xpath=..")).toHaveAttribute("role", "status");
    }
    // Reload is heard to do something before the card fails again.
    await page.getByRole("button", { name: "Reload" }).click();
    await expect(failures.first()).toHaveText("Trying again…");
    await expect(failures.first()).toHaveText(/^Overview: /, { timeout: 30_000 });
  } finally {
    await postgres.start();
  }
  await waitForHealth();
  // No click: each failed card asks again by itself (every 5 s while the tab is shown).
  await expect(page.getByTestId("load-failure")).toHaveCount(0, { timeout: 30_000 });
  await expect(page.getByTestId("overview")).toBeVisible();
});

test("in the browser: the admin's audit filter changed while the database is away says so", async ({
  context,
}) => {
  const { email, page } = await signedInPage(context);
  const prisma = createPrismaClient(postgres.url);
  try {
    await prisma.user.update({ where: { email }, data: { role: "admin" } });
  } finally {
    await prisma.$disconnect();
  }
  await page.goto(`${base}/admin`);
  await expect(page.getByTestId("audit-events")).toBeVisible();

  await postgres.stop();
  try {
    await page.getByLabel("Event type").selectOption({ index: 1 });
    await expect(page.getByTestId("load-failure")).toHaveText(
      /^Audit events: Can't reach the server/,
      {
        timeout: 30_000,
      },
    );
  } finally {
    await postgres.start();
  }
  await waitForHealth();
  await expect(page.getByTestId("load-failure")).toHaveCount(0, { timeout: 30_000 });
});
