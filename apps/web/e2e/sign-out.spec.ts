// Signing out when auth.logout cannot get through: only the server can clear the HttpOnly cookie.
import { expect, test } from "@playwright/test";
import { expectDashboard, expectSignedOut, register, screenshot, uniqueEmail } from "./helpers";

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

  await page.goBack();
  await page.goBack();
  await page.waitForLoadState("networkidle");
  await expectSignedOut(page);
  expect(seen.slice(shownBefore), "the email shown after signing out").toEqual([]);
});
