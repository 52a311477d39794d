// A failed sign-in, registration or password change names the fields at fault to assistive technology: each gets
// aria-invalid and aria-describedby pointing at the message (WCAG 3.3.1), until it is edited.
import { expect, type Locator, type Page, test } from "@playwright/test";
import { expectSignedOut, PASSWORD, register, uniqueEmail } from "./helpers";

/** The field is marked invalid and described by the form's error, whose text is `message`. */
async function expectFlagged(page: Page, field: Locator, message: string): Promise<void> {
  await expect(field).toHaveAttribute("aria-invalid", "true");
  const ids = ((await field.getAttribute("aria-describedby")) ?? "").split(/\s+/);
  const error = page.getByRole("alert").filter({ hasText: message });
  const errorId = await error.getAttribute("id");
  expect(errorId, "the error has an id").toBeTruthy();
  expect(ids, "aria-describedby names the error").toContain(errorId);
  await expect(page.locator(`[id="${errorId}"]`)).toHaveText(message);
}

/** What a new password's field says of it before any submit (WCAG 3.3.2). */
const HINT = "8 to 128 characters, not one of the most common passwords.";

async function expectNotFlagged(page: Page, field: Locator): Promise<void> {
  await expect(field).not.toHaveAttribute("aria-invalid", "true");
  const ids = ((await field.getAttribute("aria-describedby")) ?? "").split(/\s+/);
  for (const id of ids.filter(Boolean)) {
    await expect(page.locator(`[id="${id}"]`)).not.toHaveAttribute("role", "alert");
  }
}

test("wrong credentials mark email and password, until each is edited", async ({ page }) => {
  const email = uniqueEmail("field-errors-sign-in");
  await register(page, email);
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expectSignedOut(page);

  const emailField = page.getByLabel("Email");
  const passwordField = page.getByLabel("Password");
  // Before any submit, nothing is marked.
  await expectNotFlagged(page, emailField);
  await expectNotFlagged(page, passwordField);
  await emailField.fill(email);
  await passwordField.fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  // Either may be wrong (the message never says which): both are described by it.
  await expectFlagged(page, emailField, "Wrong email or password.");
  await expectFlagged(page, passwordField, "Wrong email or password.");
  await expect(passwordField).toHaveAccessibleDescription("Wrong email or password.");

  // An edited field is no longer the one the server refused.
  await passwordField.fill(PASSWORD);
  await expectNotFlagged(page, passwordField);
  await expectFlagged(page, emailField, "Wrong email or password.");
});

test("registration marks the weak password, the guessable one, then the taken email, and only it", async ({
  page,
}) => {
  const taken = uniqueEmail("field-errors-taken");
  await register(page, taken);
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expectSignedOut(page);

  await page.goto("/register");
  const emailField = page.getByLabel("Email");
  const passwordField = page.getByLabel("Password");
  await emailField.fill(uniqueEmail("field-errors-weak"));
  await passwordField.fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  const weak = "Choose a password of 8 to 128 characters.";
  await expectFlagged(page, passwordField, weak);
  await expectNotFlagged(page, emailField);
  // The length hint still describes the password, after the error.
  await expect(passwordField).toHaveAccessibleDescription(`${weak} ${HINT}`);

  // Long enough, but the first thing an attacker tries: the message says why.
  await passwordField.fill("Password123");
  await page.getByRole("button", { name: "Create account" }).click();
  const guessable = "This password is too easy to guess: it is one of the most common passwords.";
  await expectFlagged(page, passwordField, guessable);
  await expectNotFlagged(page, emailField);

  await emailField.fill(taken);
  await passwordField.fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  const exists = "An account with this email already exists. Sign in instead.";
  await expectFlagged(page, emailField, exists);
  await expectNotFlagged(page, passwordField);
  await expect(passwordField).toHaveAccessibleDescription(HINT);

  await emailField.fill(uniqueEmail("field-errors-fresh"));
  await expectNotFlagged(page, emailField);
});

test("changing the password marks the wrong current one, the weak new one, then the unchanged one", async ({
  page,
}) => {
  await register(page, uniqueEmail("field-errors-change"));
  const current = page.getByLabel("Current password");
  const fresh = page.getByLabel("New password");
  const change = page.getByRole("button", { name: "Change password" });

  // The new password's rules are said before the first try.
  await expect(fresh).toHaveAccessibleDescription(HINT);
  await current.fill("not the password");
  await fresh.fill("another long password");
  // From the keyboard: the button keeps the focus while the call runs, and the field the error
  // blames gets it after (not the page, where the next Tab would start from the top).
  await change.focus();
  await page.keyboard.press("Enter");
  const wrong = "The current password is wrong.";
  await expectFlagged(page, current, wrong);
  await expectNotFlagged(page, fresh);
  await expect(current).toBeFocused();

  await current.fill(PASSWORD);
  await expectNotFlagged(page, current);
  await fresh.fill("short");
  await change.click();
  const weak = "Choose a password of 8 to 128 characters.";
  await expectFlagged(page, fresh, weak);
  await expectNotFlagged(page, current);
  await expect(fresh).toBeFocused();
  await expect(fresh).toHaveAccessibleDescription(`${weak} ${HINT}`);

  await fresh.fill(PASSWORD);
  await change.click();
  const unchanged = "The new password must differ from the current one.";
  await expectFlagged(page, fresh, unchanged);
  await expectNotFlagged(page, current);
  // Nothing changed and nothing ended: this page is still signed in.
  await expect(page.getByRole("button", { name: "Sign out", exact: true })).toBeVisible();
});

test("registration marks the field a schema refused, with the server's words for it", async ({
  page,
}) => {
  await page.goto("/register");
  const emailField = page.getByLabel("Email");
  const nameField = page.getByLabel("Name");
  await emailField.fill(uniqueEmail("field-errors-name"));
  await page.getByLabel("Password").fill(PASSWORD);
  // A right-to-left override: "Bob\u202Enimda" would read "Bobadmin" wherever it is shown.
  await nameField.fill("Bob\u202Enimda");
  await page.getByRole("button", { name: "Create account" }).click();
  await expectFlagged(page, nameField, "Name must not contain text-direction controls.");
  await expectNotFlagged(page, emailField);

  await nameField.fill("Bob");
  await expectNotFlagged(page, nameField);
});
