// `?next=` after a real sign-in: paths whose dot segments resolve to `//host` must not leave the site.
import { expect, test } from "@playwright/test";
import { expectDashboard, expectSignedOut, PASSWORD, register, uniqueEmail } from "./helpers";

// Each is a path as typed; resolving "." and ".." turns it into "//evil.example", another host.
const OPEN_REDIRECTS = ["/.//evil.example", "/%2e%2e//evil.example", "/a/..//evil.example"];

for (const next of OPEN_REDIRECTS) {
  test(`signing in with ?next=${next} stays on this site`, async ({ page, context, baseURL }) => {
    const origin = new URL(baseURL as string).origin;
    // Nothing may leave this machine: a request to any other origin is stopped and recorded.
    const elsewhere: string[] = [];
    await context.route(
      (url) => url.origin !== origin,
      (route) => {
        elsewhere.push(route.request().url());
        return route.abort();
      },
    );

    const email = uniqueEmail("next-path");
    await register(page, email);
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await expectSignedOut(page);

    await page.goto(`/login?next=${encodeURIComponent(next)}`);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();

    await expectDashboard(page, email);
    expect(new URL(page.url()).origin).toBe(origin);
    expect(elsewhere).toEqual([]);
  });
}
