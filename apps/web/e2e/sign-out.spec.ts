// Signing out when auth.logout cannot get through: only the server can clear the HttpOnly cookie.
import { expect, type Page, test } from "@playwright/test";
import {
  expectDashboard,
  expectSignedOut,
  register,
  reloadDashboard,
  screenshot,
  uniqueEmail,
} from "./helpers";

const LOGOUT = "**/api/trpc/auth.logout*";

test("a sign-out that cannot reach the server says so, and trying again signs out", async ({
  context,
}) => {
  const email = uniqueEmail("signout-unreachable");
  const page = await context.newPage();
  await register(page, email);
  const other = await context.newPage();
  await other.goto("/dashboard");
  await expect(other.getByTestId("user-email")).toContainText(email);

  // This page's logout requests fail, by turns a dropped connection and a 503.
  let attempts = 0;
  await page.route(LOGOUT, (route) => {
    attempts += 1;
    return attempts % 2 === 1
      ? route.abort("internetdisconnected")
      : route.fulfill({ status: 503, contentType: "text/plain", body: "Service Unavailable" });
  });
  await page.getByRole("button", { name: "Sign out", exact: true }).click();

  // (Next.js keeps a route announcer with role=alert too: pick ours by its words.)
  const alert = page.getByRole("alert").filter({ hasText: "Sign-out did not reach the server" });
  await expect(alert).toBeVisible();
  await expect(alert).toContainText("still signed in on this device");
  await screenshot(page, "sign-out-failed");
  expect(attempts, "retried before giving up").toBeGreaterThan(1);
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId("user-email")).toContainText(email);
  // The message is true: the cookie still signs in, and the other tab was not signed out.
  await other.reload();
  await expect(other).toHaveURL(/\/dashboard$/);
  await expect(other.getByTestId("user-email")).toContainText(email);

  // The network is back: trying again signs out here and in the other tab.
  await page.unroute(LOGOUT);
  const logout = page.waitForResponse((res) => res.url().includes("auth.logout"));
  await alert.getByRole("button", { name: "Try again" }).click();
  expect((await logout).status()).toBe(200);
  await expectSignedOut(page);
  await expectSignedOut(other);
  // The cookie is gone: a reload stays on sign-in, and the dashboard is refused.
  await page.reload();
  await expectSignedOut(page);
  await page.goto("/dashboard");
  await expectSignedOut(page);
});

test("a sign-out the server refuses says so, without asking to check the connection", async ({
  page,
}) => {
  const email = uniqueEmail("signout-refused");
  await register(page, email);
  // What a proxy that sets X-Forwarded-Host without the port makes of every cookie call.
  let attempts = 0;
  await page.route(LOGOUT, (route) => {
    attempts += 1;
    return route.fulfill({
      status: 403,
      contentType: "application/json",
      body: JSON.stringify({
        error: {
          message: "This request was refused: it does not come from this site.",
          code: -32003,
          data: {
            code: "FORBIDDEN",
            httpStatus: 403,
            path: "auth.logout",
            appCode: "CSRF_REJECTED",
          },
        },
      }),
    });
  });
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  const alert = page.getByRole("alert").filter({ hasText: "The server refused to sign you out" });
  await expect(alert).toBeVisible();
  await expect(alert).toContainText("still signed in on this device");
  await expect(failedSignOutNotice(page)).toHaveCount(0);
  await expect(alert.getByRole("button")).toHaveCount(0);
  // Refused is an answer: sent once, not retried.
  expect(attempts).toBe(1);
  await expect(page.getByTestId("user-email")).toContainText(email);
});

/** Every logout request of `page` fails as a dropped connection, until unrouted. */
async function dropLogouts(page: Page): Promise<void> {
  await page.route(LOGOUT, (route) => route.abort("internetdisconnected"));
}

function failedSignOutNotice(page: Page) {
  return page.getByRole("alert").filter({ hasText: "Sign-out did not reach the server" });
}

test("a failed sign-out's notice sits below the header row, leaving Sign out where it was", async ({
  page,
}) => {
  await register(page, uniqueEmail("signout-layout"));
  const signOut = page.getByRole("button", { name: "Sign out", exact: true });
  const heading = page.getByRole("heading", { name: "Dashboard", level: 1 });
  const before = await signOut.boundingBox();
  await dropLogouts(page);
  await signOut.click();
  const notice = failedSignOutNotice(page);
  await expect(notice).toBeVisible();
  await expect(signOut).toBeEnabled();

  const after = await signOut.boundingBox();
  expect(after, "the Sign out button stays where it was").toEqual(before);
  const headingBox = await heading.boundingBox();
  const noticeBox = await notice.boundingBox();
  if (!after || !headingBox || !noticeBox) throw new Error("not laid out");
  // Beside the heading, not wrapped under it.
  expect(after.y, "Sign out on the heading's row").toBeLessThan(headingBox.y + headingBox.height);
  expect(noticeBox.y, "the notice below the heading").toBeGreaterThanOrEqual(
    headingBox.y + headingBox.height,
  );
  expect(noticeBox.y, "the notice below Sign out").toBeGreaterThanOrEqual(after.y + after.height);
  await screenshot(page, "sign-out-failed-layout");
});

test("once a later call gets through, a failed sign-out finishes and its notice goes", async ({
  page,
}) => {
  await register(page, uniqueEmail("signout-back-online"));
  await dropLogouts(page);
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(failedSignOutNotice(page)).toBeVisible();

  // The server is back: the sessions list reloads fine, so the sign-out asked for can finish.
  await page.unroute(LOGOUT);
  const logout = page.waitForResponse((res) => res.url().includes("auth.logout"));
  await reloadDashboard(page);
  await expect(failedSignOutNotice(page)).toBeHidden();
  expect((await logout).status()).toBe(200);
  await expectSignedOut(page);
});

test("Back after signing out never shows the last user's page", async ({ page }) => {
  const email = uniqueEmail("signout-back");
  // Every time a page of this tab shows a user's email, from its first parsed byte on.
  const seen: string[] = [];
  await page.exposeBinding("kitSawEmail", (_source, text: string) => {
    seen.push(text);
  });
  await page.addInitScript(() => {
    const report = (window as unknown as { kitSawEmail: (text: string) => void }).kitSawEmail;
    new MutationObserver(() => {
      const shown = document.querySelector('[data-testid="user-email"]')?.textContent;
      if (shown) report(shown);
    }).observe(document, { childList: true, subtree: true, characterData: true });
  });
  await register(page, email);
  // Through the site's own links, so the dashboard is in the router's history twice.
  await page.getByRole("link", { name: "JWT Auth Kit" }).click();
  await expect(page).toHaveURL(/\/$/);
  await page.getByRole("link", { name: "Dashboard" }).click();
  await expectDashboard(page, email);
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expectSignedOut(page);
  const shownBefore = seen.length;
  expect(shownBefore).toBeGreaterThan(0);

  // The app may send the page on to sign-in while the browser is still going back, which ends
  // that navigation early (net::ERR_ABORTED, or Chromium's "Not attached to an active page" when
  // the history entry's document was swapped out meanwhile): the behaviour under test, not a
  // failure. What the page then shows is checked below.
  const back = () =>
    page.goBack().catch((error: Error) => {
      const cutShort = ["net::ERR_ABORTED", "Not attached to an active page"];
      if (!cutShort.some((text) => error.message.includes(text))) throw error;
    });
  await back();
  await back();
  await page.waitForLoadState("networkidle");
  await expectSignedOut(page);
  expect(seen.slice(shownBefore), "the email shown after signing out").toEqual([]);
});

test("trying a failed sign-out again keeps its notice and the keyboard focus until it is done", async ({
  page,
}) => {
  await register(page, uniqueEmail("signout-retry-focus"));
  await dropLogouts(page);
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  const notice = failedSignOutNotice(page);
  await expect(notice).toBeVisible();

  const tryAgain = notice.getByRole("button");
  await tryAgain.focus();
  await page.keyboard.press("Enter");
  // While it runs: still said, and the button that was pressed still holds the focus.
  await expect(tryAgain).toHaveText("Trying again…");
  await expect(notice).toBeVisible();
  await expect(tryAgain).toBeFocused();
  // It fails again: the same notice, the focus where it was, ready for another Enter.
  await expect(tryAgain).toHaveText("Try again", { timeout: 15_000 });
  await expect(tryAgain).toBeFocused();

  await page.unroute(LOGOUT);
  await page.keyboard.press("Enter");
  await expectSignedOut(page);
});
