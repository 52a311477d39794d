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

test("before the page's script runs the forms cannot be sent, and without JavaScript they say why", async ({
  browser,
}) => {
  // What a slow connection shows before hydration, and what a browser without JavaScript keeps:
  // a submit then posted the form to the page, which came back empty (the email typed lost).
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const sent: string[] = [];
  page.on("request", (request) => {
    if (request.isNavigationRequest()) sent.push(`${request.method()} ${request.url()}`);
  });
  for (const [path, button] of [
    ["/login", "Sign in"],
    ["/register", "Create account"],
  ] as const) {
    const html = await (await page.goto(path))?.text();
    sent.length = 0;
    // In the page as sent: Playwright turns script execution off but not the parser's scripting
    // flag, so it never shows a <noscript>'s content where a browser without JavaScript does.
    expect(html).toMatch(/<noscript><p[^>]*>This form needs JavaScript/);
    await expect(page.getByRole("button", { name: button, exact: true })).toBeDisabled();
    const email = uniqueEmail("nojs");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(PASSWORD);
    // Enter submits a form through its default button; a disabled one sends nothing.
    await page.getByLabel("Password").press("Enter");
    await page.waitForTimeout(500);
    expect(sent).toEqual([]);
    await expect(page.getByLabel("Email")).toHaveValue(email);
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

test("signed in, a link from another site opens the dashboard, not the sign-in form", async ({
  page,
  baseURL,
}) => {
  const email = uniqueEmail("cross-site-link");
  await register(page, email);
  // A page of another site (webmail, chat, a search result) linking to ours.
  await page.route("http://elsewhere.example/", (route) =>
    route.fulfill({
      contentType: "text/html",
      body: `<!doctype html><a href="${baseURL}/dashboard">Open the dashboard</a>`,
    }),
  );
  await page.goto("http://elsewhere.example/");
  await page.getByRole("link", { name: "Open the dashboard" }).click();
  await expect(page).toHaveURL(`${baseURL}/dashboard`);
  await expect(page.getByTestId("user-email")).toContainText(email);
});
