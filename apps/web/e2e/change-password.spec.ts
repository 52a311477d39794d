// Changing the password ends every session, this one too, and the page goes on with a fresh one:
// a copy of the old refresh cookie (a thief's) is dead, the user is not signed out.
import { expect, test } from "@playwright/test";
import { expectDashboard, PASSWORD, refreshCookieOf, register, uniqueEmail } from "./helpers";

test("after a password change this page keeps working on a fresh session; the old cookie is dead", async ({
  page,
  context,
  request,
}) => {
  const email = uniqueEmail("change");
  await register(page, email);
  const before = await refreshCookieOf(context);
  expect(before?.value).toBeTruthy();

  await page.getByLabel("Current password").fill(PASSWORD);
  await page.getByLabel("New password").fill("a brand new passphrase");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("status")).toHaveText(
    "Password changed. Your other sessions were signed out.",
  );

  // A new refresh cookie, and one live session: this one, a new one.
  const after = await refreshCookieOf(context);
  expect(after?.value).toBeTruthy();
  expect(after?.value).not.toBe(before?.value);
  await expect(page.getByTestId("session")).toHaveCount(1);
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
