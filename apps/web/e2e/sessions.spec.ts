// Sessions ending elsewhere: another tab signs out, another device revokes, a stolen token is reused.
import {
  type APIRequestContext,
  type BrowserContext,
  expect,
  type Page,
  test,
} from "@playwright/test";
import {
  expectDashboard,
  expectSignedOut,
  ownSessionRef,
  PASSWORD,
  PAST_REUSE_GRACE_MS,
  REFRESH_COOKIE,
  refreshCookieOf,
  register,
  reloadDashboard,
  revokeButtonName,
  screenshot,
  signIn,
  uniqueEmail,
} from "./helpers";

test("signing out in one tab signs the other tab out", async ({ context }) => {
  const email = uniqueEmail("signout-tabs");
  const first = await context.newPage();
  await register(first, email);
  const second = await context.newPage();
  await second.goto("/dashboard");
  await expect(second.getByTestId("user-email")).toContainText(email);

  await first.getByRole("button", { name: "Sign out", exact: true }).click();
  await expectSignedOut(first);
  await expectSignedOut(second);
  // And the cookie is gone: a fresh load of the dashboard is refused.
  await second.goto("/dashboard");
  await expectSignedOut(second);
});

test("signing in as another account in one tab turns the other tab to that account", async ({
  context,
  request,
}) => {
  const second = uniqueEmail("switch-second");
  const registered = await request.post("/api/trpc/auth.register", {
    headers: { "content-type": "application/json" },
    data: { email: second, password: PASSWORD },
  });
  expect(registered.status()).toBe(200);
  const other = await context.newPage();
  await other.goto("/login");
  const first = await context.newPage();
  const email = uniqueEmail("switch-first");
  await register(first, email);

  // The sign-in page loaded before: the other account signs in there, in the same browser.
  await signIn(other, second);
  // The first tab showed the first account; now it holds the second's session: it shows that
  // account, all of it, and never the two mixed.
  await expect(first.getByTestId("user-email")).toContainText(second);
  await expect(first.getByTestId("user-email")).not.toContainText(email);
  await expect(first).toHaveURL(/\/dashboard$/);
});

test("a session revoked from another browser is signed out at its next call", async ({
  browser,
}) => {
  const email = uniqueEmail("revoke");
  const laptop = await browser.newContext();
  const phone = await browser.newContext();
  try {
    const mine = await laptop.newPage();
    await register(mine, email);
    const other = await phone.newPage();
    await signIn(other, email);

    await reloadDashboard(mine);
    await expect(mine.getByTestId("session")).toHaveCount(2);
    // From the keyboard: the button pressed goes with its row, so the list's heading takes the
    // keyboard (not the page, where the next Tab starts over), and the end is said aloud.
    await mine
      .getByTestId("session")
      .filter({ hasNotText: "This device" })
      .getByRole("button", { name: "Revoke" })
      .press("Enter");
    await expect(mine.getByTestId("session")).toHaveCount(1);
    await expect(mine.getByRole("heading", { name: "Your sessions" })).toBeFocused();
    await expect(mine.getByRole("status").filter({ hasText: "Session revoked" })).toHaveText(
      "Session revoked: that device is signed out.",
    );

    await other.getByRole("button", { name: "Reload" }).click();
    await expectSignedOut(other);
    // Told why, and brought back to where they were after signing in.
    await expect(other.getByTestId("ended-notice")).toContainText("Your session has ended");
    await screenshot(other, "signed-out-elsewhere");
    await expect(other).toHaveURL(/next=%2Fdashboard/);
    // The revoking side is untouched, until it signs out everywhere.
    await reloadDashboard(mine);
    await expect(mine).toHaveURL(/\/dashboard$/);
    await mine.getByRole("button", { name: "Sign out everywhere" }).click();
    await expectSignedOut(mine);
    // Their own choice: nothing to explain.
    await expect(mine.getByTestId("ended-notice")).toHaveCount(0);
    await mine.goto("/dashboard");
    await expectSignedOut(mine);
  } finally {
    await laptop.close();
    await phone.close();
  }
});

/** Another device signs in as `email` over the API and signs out everywhere. */
async function signOutEverywhereElsewhere(request: APIRequestContext, email: string) {
  const login = await request.post("/api/trpc/auth.login", {
    headers: { "content-type": "application/json" },
    data: { email, password: PASSWORD },
  });
  const { access } = (await login.json()).result.data;
  const ended = await request.post("/api/trpc/account.logoutAll", {
    headers: { "content-type": "application/json", authorization: `Bearer ${access}` },
    data: {},
  });
  expect(ended.status()).toBe(200);
}

test("a session revoked while none of its pages was open says so at the next visit", async ({
  context,
  request,
}) => {
  const email = uniqueEmail("revoke-closed");
  const page = await context.newPage();
  await register(page, email);
  await page.close();
  // Signed out everywhere from another device while this browser had no page open.
  await signOutEverywhereElsewhere(request, email);

  // The server-rendered dashboard finds the cookie's session over: sign in, told why.
  const later = await context.newPage();
  await later.goto("/dashboard");
  await expectSignedOut(later);
  await expect(later).toHaveURL(/next=%2Fdashboard|next=\/dashboard/);
  await expect(later.getByTestId("ended-notice")).toContainText("Your session has ended");
});

test("an open dashboard nobody touches leaves within a minute of its session being revoked", async ({
  page,
  request,
}) => {
  const email = uniqueEmail("revoke-idle");
  await page.clock.install();
  await register(page, email);
  // Another device signs out everywhere: this browser's session ends with it.
  await signOutEverywhereElsewhere(request, email);

  await page.clock.runFor(30_000);
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.clock.runFor(31_000);
  await expectSignedOut(page);
  await expect(page.getByTestId("ended-notice")).toContainText("Your session has ended");
});

test("a refresh cookie planted on /api beside ours (plain HTTP) ends in a working session, not a loop", async ({
  page,
  context,
}) => {
  const email = uniqueEmail("planted");
  await register(page, email);
  // What a page on a sibling subdomain, or anyone on the network, can do to a plain-HTTP site:
  // pages get only ours (Path=/), the API both, and cannot tell which is ours.
  await context.addCookies([
    { name: REFRESH_COOKIE, value: "planted", domain: "127.0.0.1", path: "/api" },
  ]);
  let loads = 0;
  page.on("load", () => {
    loads += 1;
  });
  await page.reload();
  // The refusal clears the planted copy; whatever happened meanwhile, within a few page loads
  // the person is on the dashboard or, at worst, signs in once, and then it holds.
  await expect
    .poll(() => new URL(page.url()).pathname, { timeout: 15_000 })
    .toMatch(/^\/(dashboard|login)$/);
  await page.waitForTimeout(3000);
  expect(loads, "page loads after the reload").toBeLessThanOrEqual(4);
  if (new URL(page.url()).pathname === "/login") await signIn(page, email);
  await expectDashboard(page, email);
  const planted = (await context.cookies()).filter((cookie) => cookie.path === "/api");
  expect(planted).toEqual([]);
  await page.reload();
  await expectDashboard(page, email);
  await reloadDashboard(page);
  await expect(page).toHaveURL(/\/dashboard$/);
});

test("a refresh cookie planted on /dashboard beside ours (plain HTTP) costs one sign-in at most, not a loop", async ({
  page,
  context,
}) => {
  const email = uniqueEmail("planted-page");
  await register(page, email);
  // Only /dashboard gets both copies: it sent the visitor to sign-in, whose page saw ours alone
  // and sent them back, for as long as the planted copy lived (ERR_TOO_MANY_REDIRECTS).
  await context.addCookies([
    { name: REFRESH_COOKIE, value: "planted", domain: "127.0.0.1", path: "/dashboard" },
  ]);
  await page.goto("/dashboard");
  await expect
    .poll(() => new URL(page.url()).pathname, { timeout: 15_000 })
    .toMatch(/^\/(dashboard|login)$/);
  if (new URL(page.url()).pathname === "/login") await signIn(page, email);
  await expectDashboard(page, email);
  const planted = (await context.cookies()).filter((cookie) => cookie.path === "/dashboard");
  expect(planted).toEqual([]);
  await page.reload();
  await expectDashboard(page, email);
});

test("each Revoke button is named for the session it ends, even when two sessions look alike", async ({
  browser,
}) => {
  const email = uniqueEmail("revoke-named");
  // Three contexts of one browser on one address: the same device, address and minute.
  const laptop = await browser.newContext();
  const phone = await browser.newContext();
  const tablet = await browser.newContext();
  try {
    const mine = await laptop.newPage();
    await register(mine, email);
    const first = await phone.newPage();
    await signIn(first, email);
    const second = await tablet.newPage();
    await signIn(second, email);

    await reloadDashboard(mine);
    await expect(mine.getByTestId("session")).toHaveCount(3);
    await expect(mine.getByTestId("overview")).toContainText("Signed in on 3 devices.");
    // Not all just "Revoke": each button says which session it ends, and still shows "Revoke".
    const revokeButtons = mine.getByRole("button", { name: /^Revoke session: / });
    await expect(revokeButtons).toHaveCount(2);
    await expect(revokeButtons.first()).toHaveText("Revoke");

    // Each other device's own row shows its reference; this dashboard names a button after each.
    const firstRef = await ownSessionRef(first);
    const secondRef = await ownSessionRef(second);
    expect(firstRef).not.toBe(secondRef);
    const revokeFirst = mine.getByRole("button", { name: revokeButtonName(firstRef) });
    const revokeSecond = mine.getByRole("button", { name: revokeButtonName(secondRef) });
    await expect(revokeFirst).toHaveCount(1);
    await expect(revokeSecond).toHaveCount(1);
    await expect(mine.getByTestId("session").filter({ has: revokeFirst })).toContainText(firstRef);
    // This device's row is marked, shows its own reference, and has no Revoke button.
    const current = mine.locator('[data-testid="session"][data-current="true"]');
    await expect(current).toContainText("This device");
    await expect(current).toContainText(await ownSessionRef(mine));
    await expect(current.getByRole("button")).toHaveCount(0);

    // The button found by its name ends that session and no other.
    await revokeFirst.click();
    await expect(mine.getByTestId("session")).toHaveCount(2);
    // The rest of the page follows: the overview counts the sessions too.
    await expect(mine.getByTestId("overview")).toContainText("Signed in on 2 devices.");
    await expect(revokeFirst).toHaveCount(0);
    await expect(revokeSecond).toHaveCount(1);
    await first.getByRole("button", { name: "Reload" }).click();
    await expectSignedOut(first);
    await reloadDashboard(second);
    await expect(second).toHaveURL(/\/dashboard$/);
    await expect(second.getByTestId("session")).toHaveCount(2);
  } finally {
    await laptop.close();
    await phone.close();
    await tablet.close();
  }
});

/**
 * The thief presents a copy of the victim's refresh cookie: the dashboard loads and its refresh
 * rotates the token. Returns the thief's page.
 */
async function stealSession(
  victim: BrowserContext,
  thief: BrowserContext,
  dashboard: string,
  email: string,
): Promise<Page> {
  const stolen = await refreshCookieOf(victim);
  await thief.addCookies([{ ...stolen, name: REFRESH_COOKIE }]);
  const thiefPage = await thief.newPage();
  const rotated = thiefPage.waitForResponse((res) => res.url().includes("auth.refresh"));
  await thiefPage.goto(dashboard);
  expect((await rotated).status()).toBe(200);
  await expect(thiefPage.getByTestId("user-email")).toContainText(email);
  return thiefPage;
}

test("reusing a stolen refresh token signs out both sides", async ({ browser, baseURL }) => {
  // The wait comes on top of the work the usual timeout is sized for.
  test.setTimeout(test.info().timeout + PAST_REUSE_GRACE_MS);
  const email = uniqueEmail("reuse");
  const victim = await browser.newContext();
  const thief = await browser.newContext();
  try {
    const victimPage = await victim.newPage();
    await register(victimPage, email);
    const thiefPage = await stealSession(victim, thief, `${baseURL}/dashboard`, email);

    // Past the grace window the victim's browser refreshes with the now-old token: reuse. (It
    // refreshes at all because its access token is by then older than half its lifetime.)
    await victimPage.waitForTimeout(PAST_REUSE_GRACE_MS);
    // Read as it passes: the page leaves for sign-in with a full load at once, and the
    // browser's copy of the answer goes with it.
    let refusal: unknown = null;
    await victimPage.route(
      (url) => url.pathname.startsWith("/api/trpc/auth.refresh"),
      async (route) => {
        const response = await route.fetch();
        refusal = await response.json();
        await route.fulfill({ response });
      },
    );
    await victimPage.getByRole("button", { name: "Reload" }).click();
    await expect
      .poll(() => refusal)
      .toMatchObject({
        error: { data: { appCode: "TOKEN_REUSED" } },
      });
    await expectSignedOut(victimPage);
    await expect(victimPage.getByTestId("ended-notice")).toContainText("used from somewhere else");

    // The whole session is revoked: the thief is out at its next call too.
    await thiefPage.getByRole("button", { name: "Reload" }).click();
    await expectSignedOut(thiefPage);
  } finally {
    await victim.close();
    await thief.close();
  }
});

test("a stolen refresh token is caught when its owner comes back with a fresh page load", async ({
  browser,
  baseURL,
}) => {
  test.setTimeout(test.info().timeout + PAST_REUSE_GRACE_MS);
  const email = uniqueEmail("reuse-fresh");
  const victim = await browser.newContext();
  const thief = await browser.newContext();
  try {
    const victimPage = await victim.newPage();
    await register(victimPage, email);
    await victimPage.close();
    const thiefPage = await stealSession(victim, thief, `${baseURL}/dashboard`, email);

    // The next morning: the owner opens the dashboard with the cookie the thief rotated past.
    // The page render only reads; the sign-in page's refresh finds the reuse and ends it all.
    await thiefPage.waitForTimeout(PAST_REUSE_GRACE_MS);
    const back = await victim.newPage();
    await back.goto(`${baseURL}/dashboard`);
    await expect(back.getByTestId("ended-notice")).toContainText("used from somewhere else");
    await expectSignedOut(back);
    await expect(back).toHaveURL(/next=%2Fdashboard/);

    await thiefPage.getByRole("button", { name: "Reload" }).click();
    await expectSignedOut(thiefPage);
    // Signing in again starts a session of the owner's own.
    await signIn(back, email);
  } finally {
    await victim.close();
    await thief.close();
  }
});
