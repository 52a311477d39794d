// Cookie mode's promise: page script can never read the refresh token.
import { expect, test } from "@playwright/test";
import { REFRESH_COOKIE, refreshCookieOf, register, uniqueEmail } from "./helpers";

test("the refresh token is not readable from document.cookie or web storage", async ({
  page,
  context,
}) => {
  await register(page, uniqueEmail("storage"));
  const cookie = await refreshCookieOf(context);
  expect(cookie.httpOnly).toBe(true);
  expect(cookie.sameSite).toBe("Lax");

  const visible = await page.evaluate(() => {
    const dump = (storage: Storage) =>
      Array.from({ length: storage.length }, (_, i) => {
        const key = storage.key(i) ?? "";
        return `${key}=${storage.getItem(key) ?? ""}`;
      }).join("\n");
    return {
      cookie: document.cookie,
      local: dump(localStorage),
      session: dump(sessionStorage),
    };
  });
  expect(visible.cookie).not.toContain(REFRESH_COOKIE);
  for (const text of Object.values(visible)) expect(text).not.toContain(cookie.value);
  // After a reload too: the page signs itself in again without ever holding the token.
  await page.reload();
  const afterReload = await page.evaluate(() => document.cookie + JSON.stringify(localStorage));
  expect(afterReload).not.toContain(cookie.value);
});
