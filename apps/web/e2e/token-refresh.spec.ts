// Access tokens that expire under a page in use: refreshed through the cookie, once, unseen.
import { expect, test } from "@playwright/test";
import {
  countRefreshes,
  countRequests,
  expectDashboard,
  holdNextRefresh,
  PAST_ACCESS_LIFETIME_MS,
  refreshCookieOf,
  register,
  reloadDashboard,
  uniqueEmail,
} from "./helpers";

test("past the access lifetime the dashboard keeps working with exactly one refresh", async ({
  page,
}) => {
  // The wait comes on top of the work the usual timeout is sized for.
  test.setTimeout(test.info().timeout + PAST_ACCESS_LIFETIME_MS);
  const email = uniqueEmail("expiry");
  await register(page, email);
  const refreshes = countRefreshes(page);

  await page.waitForTimeout(PAST_ACCESS_LIFETIME_MS);
  // The one refresh. The token it brings is fresh for half the access lifetime (10 s), room
  // enough for the steps below on a loaded CI machine: a second refresh is a real bug.
  await reloadDashboard(page);
  await page.getByLabel("Current password").fill("correct horse battery");
  await page.getByLabel("New password").fill("a brand new passphrase");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Password changed" })).toHaveText(
    "Password changed. Your other sessions were signed out.",
  );

  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId("user-email")).toContainText(email);
  await expect(page.locator(".alert")).toHaveCount(0);
  expect(refreshes.count).toBe(1);
});

test("two tabs past expiry at once both stay signed in", async ({ context }) => {
  test.setTimeout(test.info().timeout + PAST_ACCESS_LIFETIME_MS);
  const email = uniqueEmail("tabs");
  const first = await context.newPage();
  await register(first, email);
  const second = await context.newPage();
  await second.goto("/dashboard");
  await expectDashboard(second, email);

  await first.waitForTimeout(PAST_ACCESS_LIFETIME_MS);
  // Both refresh with the same cookie: whichever comes second is answered by the reuse grace
  // window (10 s after the first one's rotation), not taken for a stolen token.
  await Promise.all([reloadDashboard(first), reloadDashboard(second)]);

  for (const page of [first, second]) {
    await expect(page).toHaveURL(/\/dashboard$/);
    await expect(page.locator(".alert")).toHaveCount(0);
    await expect(page.getByTestId("session").first()).toBeVisible();
  }
  // The cookie both tabs share still holds a live session.
  await first.reload();
  await expectDashboard(first, email);
});

test("tabs loading at once stay signed in while the chain rotates twice under the slowest", async ({
  context,
}) => {
  const email = uniqueEmail("tabs-at-once");
  const first = await context.newPage();
  await register(first, email);
  const second = await context.newPage();
  await second.goto("/dashboard");
  await expectDashboard(second, email);
  const slow = await context.newPage();
  await slow.goto("/dashboard");
  await expectDashboard(slow, email);

  // The slowest tab's load refresh leaves with the cookie of now and arrives after the other
  // two tabs' loads have each rotated the chain (a reload of every tab, a restored browser).
  const cookieThen = (await refreshCookieOf(context)).value;
  const refresh = await holdNextRefresh(slow);
  const slowLoad = slow.reload();
  await expect.poll(refresh.isHeld).toBe(true);
  for (const tab of [first, second]) {
    const rotated = tab.waitForResponse((res) => res.url().includes("auth.refresh"));
    await tab.reload();
    expect((await rotated).status()).toBe(200);
    await expectDashboard(tab, email);
  }
  expect((await refreshCookieOf(context)).value).not.toBe(cookieThen);
  const answered = slow.waitForResponse((res) => res.url().includes("auth.refresh"));
  refresh.release();
  // Two rotations back, from the same browser, inside the window: not reuse.
  expect((await answered).status()).toBe(200);
  await slowLoad;
  for (const tab of [slow, first, second]) {
    await tab.reload();
    await expectDashboard(tab, email);
  }
});

test("a page load whose cookie refresh fails once keeps the person signed in", async ({
  page,
  context,
}) => {
  const email = uniqueEmail("startup");
  await register(page, email);
  const logouts = countRequests(page, "/api/trpc/auth.logout");
  let failed = 0;
  // The network drops the first refresh of the next page load; the ones after it get through.
  await page.route(
    (url) => url.pathname.startsWith("/api/trpc/auth.refresh"),
    async (route) => {
      if (failed > 0) return route.fallback();
      failed += 1;
      return route.abort("internetdisconnected");
    },
  );

  await page.reload();
  // The calls that waited for it failed and were tried again: no sign-out, nothing lost.
  await expectDashboard(page, email);
  expect(failed).toBe(1);
  expect(logouts.count).toBe(0);
  await refreshCookieOf(context);
  await page.unrouteAll();
  await page.reload();
  await expectDashboard(page, email);
});

test("a refresh whose answer is lost on the way is sent again at once, and the page stays signed in", async ({
  page,
  context,
}) => {
  const email = uniqueEmail("lost-answer");
  await register(page, email);
  const before = await refreshCookieOf(context);
  // The next refresh reaches the server, which rotates the cookie, and its answer (the new
  // cookie with it) is lost: the connection drops, as a train's tunnel drops it.
  let lost = 0;
  await page.route("**/api/trpc/auth.refresh*", async (route) => {
    if (lost > 0) return route.continue();
    lost += 1;
    await route.fetch();
    await context.addCookies([before]);
    await route.abort("connectionreset");
  });
  // A page load starts with a refresh through the cookie (the access token lives in memory).
  await page.reload();
  await expectDashboard(page, email);
  await expect(page.locator(".alert")).toHaveCount(0);
  expect(lost).toBe(1);
  // The retry, with the old cookie inside the grace window, got the session's current one.
  expect((await refreshCookieOf(context)).value).not.toBe(before.value);
  await page.unroute("**/api/trpc/auth.refresh*");
  await page.reload();
  await expectDashboard(page, email);
});
