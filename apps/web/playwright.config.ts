// End-to-end tests: the production build served by server.ts (what `pnpm start` runs) on a fresh
// embedded PostgreSQL, driven in a real Chromium (Debian's when present; see e2e/ensure-chromium.sh).
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { withoutEnvFiles } from "@kit/api/testing/env-isolation";
import { defineConfig, devices } from "@playwright/test";

// Workers load this file again: the port chosen by the runner travels to them in the environment.
process.env.E2E_PORT ??= execFileSync(process.execPath, [
  "-e",
  "const s=require('node:net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})",
]).toString();
const port = Number(process.env.E2E_PORT);
const baseURL = `http://127.0.0.1:${port}`;

/** The browser: PLAYWRIGHT_CHROMIUM_EXECUTABLE, else a system Chromium, else Playwright's own. */
function chromiumExecutable(): string | undefined {
  const candidates = [
    process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE,
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
  ];
  return candidates.find((file): file is string => Boolean(file) && existsSync(file as string));
}

// A fresh data folder per run (the embedded server runs as `postgres` when we are root, so it
// must be able to enter it), removed once the server has stopped. `trap :` makes the shell
// wait for the server's own clean shutdown on SIGTERM before removing the folder.
const serve = [
  `DATA_DIR="$(mktemp -d "${path.join(tmpdir(), "kit-e2e-XXXXXX")}")"`,
  'chmod 755 "$DATA_DIR"',
  "export DATA_DIR",
  "trap : TERM INT",
  "node_modules/.bin/tsx server.ts --hostname 127.0.0.1",
  'rm -rf "$DATA_DIR"',
].join("; ");

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: Boolean(process.env.CI),
  timeout: 45_000,
  expect: { timeout: 10_000 },
  // "list" ends with "N passed" / "N failed", the lines CI counts.
  reporter: [["list"]],
  use: {
    baseURL,
    screenshot: "only-on-failure",
    trace: "off",
    launchOptions: { executablePath: chromiumExecutable() },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"] } }],
  webServer: {
    command: serve,
    url: `${baseURL}/`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "ignore",
    stderr: "pipe",
    // Stop it like Ctrl-C would: the embedded PostgreSQL shuts down with it (SIGKILL would orphan it).
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
    // The developer's env files (.env.production.local...) must not change the server under test.
    env: withoutEnvFiles({
      ...process.env,
      PORT: String(port),
      NODE_ENV: "production",
      // Short lifetimes so the tests can wait past them (e2e/helpers.ts holds the waits), yet long
      // enough for a loaded 2-core CI machine: a token is fresh for half its lifetime, and a
      // second tab's refresh with the rotated-out cookie must arrive within the grace window.
      AUTH_ACCESS_TOKEN_TTL: "20s",
      AUTH_REFRESH_REUSE_GRACE: "10s",
      // Many registrations and sign-ins from one address in one run.
      AUTH_RATE_LIMIT_REGISTER_PER_CLIENT: "1000",
      DATABASE_URL: "",
    }) as Record<string, string>,
  },
});
