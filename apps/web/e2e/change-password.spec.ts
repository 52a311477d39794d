// Changing the password ends every session, this one too, and the page goes on with a fresh one:
// a copy of the old refresh cookie (a thief's) is dead, the user is not signed out.
import { type BrowserContext, expect, type Page, test } from "@playwright/test";
import {
  expectDashboard,
  holdNextRefresh,
  PASSWORD,
  refreshCookieOf,
  register,
  uniqueEmail,
} from "./helpers";

const claimsOf = (token: string): { sid: string; jti: string } =>
  JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8"));
/** The session (`sid`) a refresh token stands for. */
const sessionOf = (token: string) => claimsOf(token).sid;

/** A new account signed in in `page`, and a second tab of its dashboard. */
async function twoTabs(page: Page, context: BrowserContext, tag: string) {
  const email = uniqueEmail(tag);
  await register(page, email);
  const other = await context.newPage();
  await other.goto("/dashboard");
  await expectDashboard(other, email);
  return { email, other };
}

/** Changes the password through `page`'s form, and waits until it says it did. */
async function changePassword(page: Page): Promise<void> {
  await page.getByLabel("Current password").fill(PASSWORD);
  await page.getByLabel("New password").fill("a brand new passphrase");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Password changed" })).toHaveText(
    "Password changed. Your other sessions were signed out.",
  );
}

test("after a password change this page keeps working on a fresh session; the old cookie is dead", async ({
  page,
  context,
  request,
}) => {
  const email = uniqueEmail("change");
  await register(page, email);
  const before = await refreshCookieOf(context);
  expect(before?.value).toBeTruthy();
  // Another device signed in too.
  const elsewhere = await request.post(`${new URL(page.url()).origin}/api/trpc/auth.login`, {
    headers: { "content-type": "application/json" },
    data: { email, password: PASSWORD },
  });
  expect(elsewhere.status()).toBe(200);
  await page.reload();
  await expect(page.getByTestId("overview")).toContainText("Signed in on 2 devices.");
  // A password manager learns whose password changes from a username field it cannot see.
  await expect(page.locator('form input[autocomplete="username"][hidden]')).toHaveValue(email);

  await changePassword(page);

  // A new refresh cookie, and one live session: this one, a new one.
  const after = await refreshCookieOf(context);
  expect(after?.value).toBeTruthy();
  expect(after?.value).not.toBe(before?.value);
  await expect(page.getByTestId("session")).toHaveCount(1);
  await expect(page.getByTestId("overview")).toContainText("Signed in on 1 device.");
  await page.reload();
  await expectDashboard(page, email);

  // Whoever kept the old cookie is cut off.
  const origin = new URL(page.url()).origin;
  const stolen = await request.post(`${origin}/api/trpc/auth.refresh`, {
    headers: {
      "content-type": "application/json",
      "x-auth-refresh": "cookie",
      origin,
      cookie: `kit_refresh=${before?.value}`,
    },
    data: {},
  });
  expect(stolen.status()).toBe(401);
  expect((await stolen.json()).error.data.appCode).toBe("TOKEN_REVOKED");
});

test("a call still on its way with the old token when the password changes signs nobody out", async ({
  page,
  context,
}) => {
  const { email, other } = await twoTabs(page, context, "change-stale-call");

  // The other tab's reload leaves with the access token of the session about to end, and is held
  // until the change has been made; then the server refuses it TOKEN_REVOKED.
  let release!: () => void;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  let holding = false;
  await other.route("**/api/trpc/**", async (route) => {
    if (!holding && route.request().url().includes("account.sessions")) {
      holding = true;
      await held;
    }
    await route.continue();
  });
  const refused = other.waitForResponse(
    (res) => res.url().includes("account.sessions") && res.status() === 401,
  );
  await other.getByRole("button", { name: "Reload" }).first().click();
  await expect.poll(() => holding).toBe(true);

  await changePassword(page);
  const logouts: string[] = [];
  context.on("request", (request) => {
    if (request.url().includes("auth.logout")) logouts.push(request.url());
  });
  release();
  await refused;

  // That answer was about the old session: both tabs go on with the new one, and it lives.
  await other.waitForTimeout(1500);
  expect(logouts).toEqual([]);
  await expect(other).toHaveURL(/\/dashboard$/);
  await expect(page).toHaveURL(/\/dashboard$/);
  await other.unroute("**/api/trpc/**");
  await page.reload();
  await expectDashboard(page, email);
  await other.reload();
  await expectDashboard(other, email);
});

test("a refresh that left with the old cookie and is refused after the change leaves the new cookie", async ({
  page,
  context,
}) => {
  const { email, other } = await twoTabs(page, context, "change-stale-refresh");

  // The other tab's load refresh leaves with the cookie of now and is answered after the change.
  const refresh = await holdNextRefresh(other);
  const otherLoad = other.reload();
  await expect.poll(refresh.isHeld).toBe(true);

  await changePassword(page);
  const fresh = (await refreshCookieOf(context)).value;
  const refused = other.waitForResponse((res) => res.url().includes("auth.refresh"));
  refresh.release();
  // The old session's refusal: it says so, and leaves the browser's cookie, the new session's.
  expect((await refused).status()).toBe(401);
  await otherLoad;
  expect((await refreshCookieOf(context)).value).toBe(fresh);
  await other.unroute("**/api/trpc/auth.refresh*");
  for (const tab of [page, other]) {
    await tab.reload();
    await expectDashboard(tab, email);
  }
});

test("a refresh of the old session answered after the change, its cookie replacing the new one, signs nobody out", async ({
  page,
  context,
}) => {
  const { email, other } = await twoTabs(page, context, "change-late-answer");

  // The other tab's load refresh rotates the old session before the change; its answer, carrying
  // that session's next token, reaches the browser only after the change's.
  const refresh = await holdNextRefresh(other, { send: "now" });
  const otherLoad = other.reload();
  await expect.poll(refresh.isAnswered).toBe(true);

  await changePassword(page);
  const fresh = (await refreshCookieOf(context)).value;
  refresh.release();
  await otherLoad;
  // The browser now holds the ended session's token: the new session's cookie is gone.
  const left = (await refreshCookieOf(context)).value;
  expect(sessionOf(left)).not.toBe(sessionOf(fresh));
  await other.unroute("**/api/trpc/auth.refresh*");
  // The change's answer kept the new session's token in a cookie of its own too: pages render
  // signed in, and the next refresh puts the new session's cookie back.
  for (const tab of [other, page]) {
    await tab.reload();
    await expectDashboard(tab, email);
  }
  await expect
    .poll(async () => sessionOf((await refreshCookieOf(context)).value))
    .toBe(sessionOf(fresh));
  // Settled: the handover is cleared.
  const names = (await context.cookies()).map((cookie) => cookie.name);
  expect(names).not.toContain("kit_refresh_handover");
  await page.getByRole("button", { name: "Reload" }).click();
  await expect(page.getByTestId("sessions").getByRole("listitem")).toHaveCount(1);
});

test("offline, a password change fails at once and is not sent when the network returns", async ({
  page,
  context,
  request,
}) => {
  const email = uniqueEmail("change-offline");
  await register(page, email);
  await context.setOffline(true);
  await page.getByLabel("Current password").fill(PASSWORD);
  await page.getByLabel("New password").fill("a brand new passphrase");
  await page.getByRole("button", { name: "Change password" }).click();
  // Said at once, not held while the system reports no network.
  await expect(page.getByText("Could not reach the server")).toBeVisible();
  await expect(page.getByRole("button", { name: "Change password" })).toBeEnabled();
  const changes: string[] = [];
  page.on("request", (sent) => {
    if (sent.url().includes("account.changePassword")) changes.push(sent.url());
  });
  await context.setOffline(false);
  // Nothing replayed: the old password still signs in, and this page's session still lives.
  await page.waitForTimeout(2000);
  expect(changes).toEqual([]);
  const origin = new URL(page.url()).origin;
  const login = await request.post(`${origin}/api/trpc/auth.login`, {
    headers: { "content-type": "application/json" },
    data: { email, password: PASSWORD },
  });
  expect(login.status()).toBe(200);
  await page.reload();
  await expectDashboard(page, email);
});
