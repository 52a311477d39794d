// Register, sign out, sign in, the way back to a protected page, and the messages people meet.
import { expect, test } from "@playwright/test";
import { expectSignedOut, PASSWORD, register, screenshot, signIn, uniqueEmail } from "./helpers";

test("register leads to the dashboard showing the email", async ({ page }) => {
  const email = uniqueEmail("register");
  await page.goto("/");
  await screenshot(page, "home");
  await page.getByRole("link", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "Create account" })).toBeVisible();
  await screenshot(page, "register");
  await register(page, email);
  await expect(page.getByText("This device")).toBeVisible();
  await expect(page.getByTestId("events")).toContainText("Account created");
  // The app's own procedure (overview.summary), beside the kit's.
  await expect(page.getByTestId("overview")).toContainText("Signed in on 1 device.");
  await screenshot(page, "dashboard");
});

test("the pages load with no error on the console, an icon included", async ({ page }) => {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`${page.url()}: ${message.text()}`);
  });
  const email = uniqueEmail("console");
  await page.goto("/");
  await page.goto("/login");
  await register(page, email);
  await page.reload();
  await expect(page.getByTestId("overview")).toContainText("Signed in on 1 device.");
  // The icon the layout names is served (a missing one was a 404 on every page).
  const icon = await page.locator('link[rel="icon"]').first().getAttribute("href");
  expect(icon).toBeTruthy();
  expect((await page.request.get(icon as string)).status()).toBe(200);
  expect(errors).toEqual([]);
});

test("sign out, then sign in again", async ({ page }) => {
  const email = uniqueEmail("again");
  await register(page, email);
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expectSignedOut(page);
  await screenshot(page, "login");
  await signIn(page, email);
  // A full page load: the server renders the dashboard from the cookie.
  await page.reload();
  await expect(page.getByTestId("user-email")).toContainText(email);
});

test("a signed-out visitor goes to sign in and comes back to the dashboard", async ({ page }) => {
  const email = uniqueEmail("next");
  await register(page, email);
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expectSignedOut(page);

  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/login\?next=%2Fdashboard|\/login\?next=\/dashboard/);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("not the password");
  // From the keyboard, on the button: disabled while the call runs, it drops the focus.
  await page.getByRole("button", { name: "Sign in" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.locator(".alert")).toHaveText("Wrong email or password.");
  // Back where the next try starts, the wrong password selected: typing replaces it.
  await expect(page.getByLabel("Password")).toBeFocused();
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId("user-email")).toContainText(email);
});

test("registration explains a taken email and a weak password", async ({ page }) => {
  const email = uniqueEmail("taken");
  await register(page, email);
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expectSignedOut(page);

  await page.goto("/register");
  await page.getByLabel("Email").fill(uniqueEmail("weak"));
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.locator(".alert")).toHaveText("Choose a password of 8 to 128 characters.");
  // The keyboard is put back on the field to fix.
  await expect(page.getByLabel("Password")).toBeFocused();

  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.locator(".alert")).toContainText("already exists");
  await expect(page.getByLabel("Email")).toBeFocused();
  await expect(page).toHaveURL(/\/register/);
});

test("a form sent before the page's script runs never puts the password in the URL", async ({
  browser,
}) => {
  // What a slow connection does: Enter pressed before the script that handles the form runs.
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  for (const path of ["/login", "/register"]) {
    await page.goto(path);
    await page.getByLabel("Email").fill(uniqueEmail("nojs"));
    await page.getByLabel("Password").fill(PASSWORD);
    const sent = page.waitForRequest((request) => request.isNavigationRequest());
    await page.getByLabel("Password").press("Enter");
    const request = await sent;
    expect(request.method()).toBe("POST");
    const answer = await request.response();
    expect(answer?.status()).toBeLessThan(500);
    await page.waitForLoadState();
    expect(page.url()).not.toContain("password");
    expect(page.url()).not.toContain(encodeURIComponent(PASSWORD).replaceAll("%20", "+"));
  }
  await context.close();
});

test("signed in, the sign-in and sign-up pages go straight on", async ({ page }) => {
  const email = uniqueEmail("already");
  await register(page, email);
  for (const path of ["/login", "/register"]) {
    await page.goto(path);
    await expect(page).toHaveURL(/\/dashboard$/);
    await expect(page.getByTestId("user-email")).toContainText(email);
  }
  // To `next`, when it is a page.
  await page.goto("/login?next=%2Fdashboard%3Ftab%3Dsessions");
  await expect(page).toHaveURL(/\/dashboard\?tab=sessions$/);
});
