// The admin page: an admin deactivates someone who is signed in elsewhere, and only admins see it.
// The demo admin (admin@example.com) exists: the e2e server runs on loopback with a fresh
// embedded database, where the demo accounts are created.
import { expect, type Page, test } from "@playwright/test";
import {
  expectDashboard,
  expectSignedOut,
  ownSessionRef,
  PASSWORD,
  register,
  reloadDashboard,
  revokeButtonName,
  screenshot,
  signIn,
  uniqueEmail,
} from "./helpers";

const ADMIN = { email: "admin@example.com", password: "admin-password" };

async function openAdminPage(page: Page): Promise<void> {
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.getByTestId("admin-link").click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole("heading", { name: "Admin", exact: true })).toBeVisible();
}

test("an admin deactivates a signed-in user, whose open tab loses access at its next call", async ({
  browser,
}) => {
  const email = uniqueEmail("deactivated");
  const userContext = await browser.newContext();
  const adminContext = await browser.newContext();
  try {
    const userPage = await userContext.newPage();
    await register(userPage, email);

    const adminPage = await adminContext.newPage();
    // The page keeps to the Content-Security-Policy (no inline styles): nothing is refused.
    const refused: string[] = [];
    adminPage.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
    });
    await openAdminPage(adminPage);
    await adminPage.getByLabel("Search by email").fill(email);
    const row = adminPage.locator(`[data-testid="user-row"][data-email="${email}"]`);
    await expect(row.getByTestId("user-active")).toHaveText("yes");
    // Each button is named for its row, the visible word first.
    for (const name of ["Sessions", "Unlock sign-in", "Deactivate"]) {
      await expect(
        row.getByRole("button", { name: `${name}: ${email}`, exact: true }),
      ).toBeVisible();
    }

    // The user's sessions, as the admin sees them: the one open tab.
    await row.getByRole("button", { name: `Sessions: ${email}`, exact: true }).click();
    await expect(adminPage.getByTestId("user-sessions").locator("li")).toHaveCount(1);

    // Deactivating asks once more, in the row; Keep active leaves the account as it was.
    await row.getByRole("button", { name: `Deactivate: ${email}`, exact: true }).click();
    const confirm = row.getByRole("button", {
      name: `Deactivate and sign out now: ${email}`,
      exact: true,
    });
    await expect(confirm).toBeFocused();
    await row.getByRole("button", { name: `Keep active: ${email}`, exact: true }).click();
    await expect(confirm).toHaveCount(0);
    await expect(adminPage.getByTestId("user-sessions").locator("li")).toHaveCount(1);
    await expect(row.getByTestId("user-active")).toHaveText("yes");
    await row.getByRole("button", { name: `Deactivate: ${email}`, exact: true }).click();
    await confirm.click();
    await expect(adminPage.getByTestId("admin-notice")).toHaveText(
      `${email} deactivated: every session of theirs ended.`,
    );
    await expect(row.getByTestId("user-active")).toHaveText("no");
    await expect(adminPage.getByText("No live sessions.")).toBeVisible();
    // The audit row names people, not ids: the account acted on and the admin who acted.
    const deactivation = adminPage
      .locator('[data-testid="audit-event"][data-type="admin_deactivated_user"]')
      .first();
    await expect(deactivation).toBeVisible();
    await expect(deactivation).toContainText(email);
    await expect(deactivation).toContainText("by admin@example.com");
    await screenshot(adminPage, "admin-page");
    await adminPage.getByLabel("Event type").selectOption("registered");
    const events = adminPage.getByTestId("audit-event");
    await expect(events.first()).toHaveAttribute("data-type", "registered");
    await expect(
      adminPage.locator('[data-testid="audit-event"]:not([data-type="registered"])'),
    ).toHaveCount(0);
    expect(refused).toEqual([]);

    // The user's tab, untouched since: its next call is refused and it goes to sign in.
    await userPage.getByRole("button", { name: "Reload" }).click();
    await expectSignedOut(userPage);
    await userPage.getByLabel("Email").fill(email);
    await userPage.getByLabel("Password").fill("correct horse battery");
    await userPage.getByRole("button", { name: "Sign in" }).click();
    // By its text: Next.js's route announcer is an alert too, and may announce the page title.
    await expect(
      userPage.getByRole("alert").filter({ hasText: "Wrong email or password." }),
    ).toBeVisible();
    await expect(userPage).toHaveURL(/\/login/);

    // Reactivated, they can sign in again.
    await row.getByRole("button", { name: `Reactivate: ${email}`, exact: true }).click();
    await expect(row.getByTestId("user-active")).toHaveText("yes");
    await signIn(userPage, email);
  } finally {
    await userContext.close();
    await adminContext.close();
  }
});

test("an admin unlocks a user locked out by someone's failed sign-ins, who signs in at once", async ({
  browser,
  request,
}) => {
  const email = uniqueEmail("locked-out");
  const userContext = await browser.newContext();
  const adminContext = await browser.newContext();
  try {
    const userPage = await userContext.newPage();
    await register(userPage, email);
    await userPage.context().clearCookies();
    // Someone guessing: ten wrong passwords from this address, the burst the server allows.
    const origin = new URL(userPage.url()).origin;
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const wrong = await request.post(`${origin}/api/trpc/auth.login`, {
        headers: { "content-type": "application/json" },
        data: { email, password: "not the password" },
      });
      expect(wrong.status()).toBe(401);
    }
    // Now even the owner's right password is refused.
    await userPage.goto("/login");
    await userPage.getByLabel("Email").fill(email);
    await userPage.getByLabel("Password").fill(PASSWORD);
    await userPage.getByRole("button", { name: "Sign in" }).click();
    await expect(
      userPage.getByRole("alert").filter({ hasText: /^Too many attempts\. Try again in / }),
    ).toBeVisible();

    const adminPage = await adminContext.newPage();
    await openAdminPage(adminPage);
    await adminPage.getByLabel("Search by email").fill(email);
    const row = adminPage.locator(`[data-testid="user-row"][data-email="${email}"]`);
    await row.getByRole("button", { name: `Unlock sign-in: ${email}`, exact: true }).click();
    await expect(adminPage.getByTestId("admin-notice")).toHaveText(
      `${email}: failed sign-ins forgotten, locks lifted.`,
    );
    const unlocked = adminPage
      .locator('[data-testid="audit-event"][data-type="admin_unlocked_user"]')
      .first();
    await expect(unlocked).toContainText(email);
    await expect(unlocked).toContainText("by admin@example.com");

    await userPage.getByRole("button", { name: "Sign in" }).click();
    await expectDashboard(userPage, email);
  } finally {
    await userContext.close();
    await adminContext.close();
  }
});

test("the audit card narrows to what one admin did, from an event of theirs, and back", async ({
  browser,
}) => {
  const email = uniqueEmail("audit-actor");
  const userContext = await browser.newContext();
  const adminContext = await browser.newContext();
  try {
    await register(await userContext.newPage(), email);
    const adminPage = await adminContext.newPage();
    await openAdminPage(adminPage);
    await adminPage.getByLabel("Search by email").fill(email);
    const row = adminPage.locator(`[data-testid="user-row"][data-email="${email}"]`);
    await row.getByRole("button", { name: `Deactivate: ${email}`, exact: true }).click();
    await row
      .getByRole("button", { name: `Deactivate and sign out now: ${email}`, exact: true })
      .click();
    await expect(row.getByTestId("user-active")).toHaveText("no");

    const events = adminPage.getByTestId("audit-event");
    const registered = adminPage.locator('[data-testid="audit-event"][data-type="registered"]');
    await expect(registered.first()).toBeVisible();
    await adminPage
      .locator('[data-testid="audit-event"][data-type="admin_deactivated_user"]')
      .filter({ hasText: email })
      .getByRole("button", { name: "admin@example.com: only what they did", exact: true })
      .click();
    await expect(adminPage.getByTestId("audit-actor")).toHaveText(
      /^Only what admin@example\.com did\./,
    );
    const everyone = adminPage.getByRole("button", { name: "Show everyone’s" });
    await expect(everyone).toBeFocused();
    // Only the admin's doings: no sign-up, no sign-in, nothing without "by" them.
    await expect(registered).toHaveCount(0);
    await expect(events.filter({ hasText: email }).first()).toBeVisible();
    await expect(events.filter({ hasNotText: "by admin@example.com" })).toHaveCount(0);

    await everyone.click();
    await expect(adminPage.getByTestId("audit-actor")).toHaveCount(0);
    await expect(registered.first()).toBeVisible();
    await expect(adminPage.getByLabel("Event type")).toBeFocused();
  } finally {
    await userContext.close();
    await adminContext.close();
  }
});

test("an admin's Revoke buttons are named for the sessions they end, even when two look alike", async ({
  browser,
}) => {
  const email = uniqueEmail("admin-revoke-named");
  // Two contexts of one browser on one address: the same device, address and minute.
  const laptop = await browser.newContext();
  const phone = await browser.newContext();
  const adminContext = await browser.newContext();
  try {
    const first = await laptop.newPage();
    await register(first, email);
    const second = await phone.newPage();
    await signIn(second, email);

    const adminPage = await adminContext.newPage();
    await openAdminPage(adminPage);
    await adminPage.getByLabel("Search by email").fill(email);
    const row = adminPage.locator(`[data-testid="user-row"][data-email="${email}"]`);
    await row.getByRole("button", { name: `Sessions: ${email}`, exact: true }).click();
    const sessions = adminPage.getByTestId("user-sessions");
    await expect(sessions.locator("li")).toHaveCount(2);
    // Not both just "Revoke": each button says which session it ends, and still shows "Revoke".
    const revokeButtons = sessions.getByRole("button", { name: /^Revoke session: / });
    await expect(revokeButtons).toHaveCount(2);
    await expect(revokeButtons.first()).toHaveText("Revoke");

    const firstRef = await ownSessionRef(first);
    const secondRef = await ownSessionRef(second);
    expect(firstRef).not.toBe(secondRef);
    const revokeFirst = sessions.getByRole("button", { name: revokeButtonName(firstRef) });
    const revokeSecond = sessions.getByRole("button", { name: revokeButtonName(secondRef) });
    await expect(revokeFirst).toHaveCount(1);
    await expect(revokeSecond).toHaveCount(1);
    // The button sits in the row that shows that reference.
    const firstRow = sessions
      .locator("li")
      .filter({ has: adminPage.getByRole("button", { name: revokeButtonName(firstRef) }) });
    await expect(firstRow).toContainText(firstRef);

    // The button found by its name ends that session and no other.
    await revokeFirst.click();
    await expect(sessions.locator("li")).toHaveCount(1);
    await expect(revokeFirst).toHaveCount(0);
    await expect(revokeSecond).toHaveCount(1);
    await first.getByRole("button", { name: "Reload" }).click();
    await expectSignedOut(first);
    await reloadDashboard(second);
    await expect(second).toHaveURL(/\/dashboard$/);
  } finally {
    await laptop.close();
    await phone.close();
    await adminContext.close();
  }
});

test("an admin's own account lists this browser's session as This device, with no Revoke", async ({
  page,
}) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  const ref = await ownSessionRef(page);
  await page.getByTestId("admin-link").click();
  await expect(page).toHaveURL(/\/admin$/);
  await page.getByLabel("Search by email").fill(ADMIN.email);
  const row = page.locator(`[data-testid="user-row"][data-email="${ADMIN.email}"]`);
  await row.getByRole("button", { name: `Sessions: ${ADMIN.email}`, exact: true }).click();
  const sessions = page.getByTestId("user-sessions");
  // Other tests' admin sessions may be listed too; exactly one is this browser's.
  const current = sessions.locator('li[data-current="true"]');
  await expect(current).toHaveCount(1);
  await expect(current).toContainText("This device");
  await expect(current.getByRole("button")).toHaveCount(0);
  await expect(current).toContainText(ref);
});

test("a non-admin sees no Admin link and cannot open /admin", async ({ page }) => {
  const email = uniqueEmail("not-admin");
  await register(page, email);
  await expect(page.getByTestId("admin-link")).toHaveCount(0);
  await page.goto("/admin");
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expect(page.getByTestId("users")).toHaveCount(0);
});

test("signed out, /admin goes to sign-in and back after it", async ({ page }) => {
  await page.goto("/admin");
  await expect(page).toHaveURL(/\/login\?next=(%2F|\/)admin$/);
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByTestId("users")).toBeVisible();
});

test("on a phone-sized screen the admin page fits its width; the users table scrolls within it", async ({
  browser,
}) => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
  try {
    const page = await context.newPage();
    await openAdminPage(page);
    await expect(page.getByTestId("users")).toBeVisible();
    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      view: document.documentElement.clientWidth,
    }));
    expect(widths.page).toBeLessThanOrEqual(widths.view);
    await screenshot(page, "admin-page-narrow");
  } finally {
    await context.close();
  }
});

test("from the keyboard the admin page keeps its place: panels, the row's question, and each action", async ({
  browser,
}) => {
  const email = uniqueEmail("admin-keyboard");
  const userContext = await browser.newContext();
  const adminContext = await browser.newContext();
  try {
    await register(await userContext.newPage(), email);
    const page = await adminContext.newPage();
    await openAdminPage(page);
    await page.getByLabel("Search by email").fill(email);
    const row = page.locator(`[data-testid="user-row"][data-email="${email}"]`);
    const button = (name: string) => row.getByRole("button", { name: `${name}: ${email}` });

    // The sessions panel opens below the table: its heading takes the keyboard, and Close gives
    // it back to the button that opened it.
    await button("Sessions").press("Enter");
    await expect(page.getByRole("heading", { name: `Sessions of ${email}` })).toBeFocused();
    await page.getByRole("button", { name: "Close" }).press("Enter");
    await expect(button("Sessions")).toBeFocused();

    // The row's question: Escape withdraws it, as Keep active does, back on Deactivate.
    await button("Deactivate").press("Enter");
    await expect(button("Deactivate and sign out now")).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(button("Deactivate and sign out now")).toHaveCount(0);
    await expect(button("Deactivate")).toBeFocused();
    await button("Deactivate").press("Enter");
    await button("Keep active").press("Enter");
    await expect(button("Deactivate")).toBeFocused();
    await expect(row.getByTestId("user-active")).toHaveText("yes");

    // Deactivating and reactivating swap the row's buttons: the notice takes the keyboard.
    await button("Deactivate").press("Enter");
    await page.keyboard.press("Enter");
    const notice = page.getByTestId("admin-notice");
    await expect(notice).toHaveText(`${email} deactivated: every session of theirs ended.`);
    await expect(notice).toBeFocused();
    await button("Reactivate").press("Enter");
    await expect(notice).toHaveText(`${email} reactivated: they may sign in again.`);
    await expect(notice).toBeFocused();
    await expect(row.getByTestId("user-active")).toHaveText("yes");

    // A search that finds nobody says so, rather than showing an empty table.
    await page.getByLabel("Search by email").fill("zz-nobody-has-this");
    await expect(
      page.getByRole("status").filter({ hasText: "No account's email contains" }),
    ).toHaveText("No account's email contains “zz-nobody-has-this”.");
  } finally {
    await userContext.close();
    await adminContext.close();
  }
});

test("at 320 px (400 % zoom) a long email wraps instead of widening the page (WCAG 1.4.10)", async ({
  browser,
}) => {
  const email = uniqueEmail("christopher.richardson-long-address");
  const context = await browser.newContext({ viewport: { width: 320, height: 640 } });
  try {
    const page = await context.newPage();
    await register(page, email);
    const overflow = () =>
      page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await expectSignedOut(page);

    await openAdminPage(page);
    await page.getByLabel("Search by email").fill(email);
    await page.getByRole("button", { name: `Sessions: ${email}` }).click();
    await expect(page.getByRole("heading", { name: `Sessions of ${email}` })).toBeVisible();
    await expect(page.getByTestId("audit-event").first()).toBeVisible();
    expect(await overflow()).toBeLessThanOrEqual(0);
  } finally {
    await context.close();
  }
});
