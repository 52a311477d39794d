// Shared steps for the e2e tests: fresh accounts, signing in, screenshots, counting refreshes.
import path from "node:path";
import { type BrowserContext, expect, type Page } from "@playwright/test";

export const PASSWORD = "correct horse battery";
export const REFRESH_COOKIE = "kit_refresh";
/**
 * AUTH_ACCESS_TOKEN_TTL in playwright.config.ts is 20 s: wait past it. Not shorter: the client
 * refreshes once a token is within half its lifetime of `exp`, and a token fresh for only a few
 * seconds runs out during a few fills and a click on a loaded machine (a second refresh).
 */
export const PAST_ACCESS_LIFETIME_MS = 21_000;
/**
 * AUTH_REFRESH_REUSE_GRACE in playwright.config.ts is 10 s. Also past half the access lifetime
 * (10 s), so a token issued before this wait is due for a refresh after it.
 */
export const PAST_REUSE_GRACE_MS = 11_000;

let counter = 0;
export function uniqueEmail(label: string): string {
  counter += 1;
  return `${label}-${Date.now().toString(36)}-${counter}@example.com`;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({
    path: path.join(import.meta.dirname, "screenshots", `${name}.png`),
    fullPage: true,
  });
}

/** Creates an account through /register and waits for the dashboard. */
export async function register(page: Page, email: string, name = "E2E Tester"): Promise<void> {
  await page.goto("/register");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Create account" }).click();
  await expectDashboard(page, email);
}

/** Signs in through /login (from wherever it is) and waits for the dashboard. */
export async function signIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  if (!new URL(page.url()).pathname.startsWith("/login")) await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expectDashboard(page, email);
}

/** On the dashboard, signed in as `email`, with the sessions list loaded. */
export async function expectDashboard(page: Page, email: string): Promise<void> {
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId("user-email")).toContainText(email);
  await expect(page.getByTestId("session").first()).toBeVisible();
}

/** Reloads the sessions list and activity: a protected call through the refresh link. */
export async function reloadDashboard(page: Page): Promise<void> {
  const answered = page.waitForResponse((res) => res.url().includes("account.sessions"));
  await page.getByRole("button", { name: "Reload" }).click();
  await answered;
}

/**
 * The short reference the dashboard shows for this device's own session (its row marked
 * "This device"): what tells it apart from sessions that look the same everywhere else.
 */
export async function ownSessionRef(page: Page): Promise<string> {
  const ref = page
    .locator('[data-testid="session"][data-current="true"]')
    .getByTestId("session-ref");
  await expect(ref).toHaveText(/^\S+$/);
  return (await ref.textContent()) ?? "";
}

/** The accessible name of the Revoke button that ends the session with this reference. */
export function revokeButtonName(ref: string): RegExp {
  return new RegExp(`^Revoke session: .*\\b${ref}$`);
}

/** Counts the page's requests whose path starts with `pathPrefix`, from now on. */
export function countRequests(page: Page, pathPrefix: string): { readonly count: number } {
  const counter = { count: 0 };
  page.on("request", (request) => {
    if (new URL(request.url()).pathname.startsWith(pathPrefix)) counter.count += 1;
  });
  return counter;
}

/** Counts the page's requests to auth.refresh from now on. */
export function countRefreshes(page: Page): { readonly count: number } {
  return countRequests(page, "/api/trpc/auth.refresh");
}

export async function refreshCookieOf(context: BrowserContext) {
  const cookie = (await context.cookies()).find((c) => c.name === REFRESH_COOKIE);
  expect(cookie, "the refresh cookie").toBeDefined();
  return cookie as NonNullable<typeof cookie>;
}

export async function expectSignedOut(page: Page): Promise<void> {
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
}

/**
 * Holds `page`'s next auth.refresh until `release()`, then sends it as it left, with the
 * browser's cookies of now (a route cannot set the Cookie header), and hands the page its answer,
 * Set-Cookie and all. With `send: "now"` it is sent at once and only its answer is held
 * (`isAnswered()` says when the server has answered). Later refreshes go through as usual.
 */
export async function holdNextRefresh(page: Page, { send = "on release" } = {}) {
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let held = false;
  let answered = false;
  const cookiesThen = (await page.context().cookies())
    .map((cookie) => `${cookie.name}=${cookie.value}`)
    .join("; ");
  await page.route("**/api/trpc/auth.refresh*", async (route) => {
    if (held) return route.continue();
    held = true;
    if (send !== "now") await released;
    const sent = route.request();
    // Node's fetch, not the context's: the answer's Set-Cookie reaches the browser only with it.
    const answer = await fetch(sent.url(), {
      method: sent.method(),
      headers: {
        ...Object.fromEntries(
          Object.entries(await sent.allHeaders()).filter(
            ([name]) => !/^(:|host$|content-length$|connection$|cookie$)/.test(name),
          ),
        ),
        cookie: cookiesThen,
      },
      body: sent.postData() ?? undefined,
    });
    const body = Buffer.from(await answer.arrayBuffer());
    answered = true;
    await released;
    await route.fulfill({
      status: answer.status,
      headers: Object.fromEntries(answer.headers),
      body,
    });
  });
  return { isHeld: () => held, isAnswered: () => answered, release };
}
