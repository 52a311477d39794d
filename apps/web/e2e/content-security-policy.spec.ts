// The Content-Security-Policy in a real browser: script injected into a page as markup does not
// run (and the browser reports it), while the app's own scripts, which carry the request's nonce,
// work as before. Markup is what an injection delivers: the policy's 'strict-dynamic' lets script
// that already runs (the app's, or a test's page.evaluate) add scripts, inline ones included.
import { expect, type Page, test } from "@playwright/test";
import {
  expectDashboard,
  expectSignedOut,
  PASSWORD,
  register,
  reloadDashboard,
  signIn,
  uniqueEmail,
} from "./helpers";

declare global {
  interface Window {
    __injected?: boolean;
    __withNonce?: boolean;
    __violations?: string[];
  }
}

/** Every refusal the browser reports on the console, across all the page's navigations. */
function refusalsOf(page: Page): string[] {
  const refused: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
  });
  return refused;
}

/** How long a refusal may take to show on a loaded CI machine before the test gives up on it. */
const REFUSAL_TIMEOUT_MS = 15_000;

/**
 * Puts `markup` into the page the way a DOM-based XSS does (innerHTML), clicks `click` if given,
 * and reports whether the payload ran and which directives the document's
 * `securitypolicyviolation` events named, once the payload has had its chance: at the first
 * violation, or once an injected frame has loaded (a frame's refusal goes to its own document).
 */
function inject(page: Page, markup: string, click?: string) {
  return page.evaluate(
    async ({ markup, click, timeoutMs }) => {
      window.__injected = false;
      // Read through a function: the payload sets it behind TypeScript's back.
      const ran = () => window.__injected === true;
      const directives: string[] = [];
      let settle = () => {};
      const settled = new Promise<void>((resolve) => {
        settle = resolve;
      });
      const record = (event: SecurityPolicyViolationEvent) => {
        directives.push(event.effectiveDirective);
        settle();
      };
      document.addEventListener("securitypolicyviolation", record, true);
      const holder = document.createElement("div");
      holder.innerHTML = markup;
      const frame = holder.querySelector("iframe");
      // Its scripts have been run or refused by its load (the initial about:blank's does not count).
      frame?.addEventListener("load", () => {
        if (frame.contentWindow?.location.href === "about:srcdoc") settle();
      });
      document.body.append(holder);
      if (click) holder.querySelector<HTMLElement>(click)?.click();
      // A fixed wait passes or fails with the machine's load; the cap only ends a wait for a
      // refusal that never comes, which the caller's toEqual then shows.
      await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, timeoutMs))]);
      // Room for what must not happen (the payload running after all, a second violation): its
      // cause is behind us now, so this need not grow with the load.
      await new Promise((resolve) => setTimeout(resolve, 500));
      document.removeEventListener("securitypolicyviolation", record, true);
      holder.remove();
      return { ran: ran(), directives };
    },
    { markup, click, timeoutMs: REFUSAL_TIMEOUT_MS },
  );
}

test("script injected into the signed-in dashboard does not run; the app still works", async ({
  page,
}) => {
  const refused = refusalsOf(page);
  const email = uniqueEmail("csp");
  // Home, registration and the dashboard: every page of the way under the policy.
  await page.goto("/");
  await register(page, email);
  expect(refused, "the app's own pages break no rule").toEqual([]);

  // An inline event handler, the classic payload. An empty src fails at once, without a request
  // whose round trip the test would wait for.
  expect(await inject(page, '<img src="" onerror="window.__injected = true">')).toEqual({
    ran: false,
    directives: ["script-src-attr"],
  });
  // A javascript: link.
  expect(await inject(page, '<a href="javascript:window.__injected = true">win</a>', "a")).toEqual({
    ran: false,
    directives: ["script-src-elem"],
  });
  // Console messages arrive on their own time: count those two in before looking past them.
  await expect.poll(() => refused.length, { timeout: REFUSAL_TIMEOUT_MS }).toBe(2);
  // An inline <script> in a srcdoc frame (innerHTML alone never runs a <script>): the frame
  // inherits the policy, and the refusal is reported in the frame's document.
  const before = refused.length;
  expect(
    await inject(page, '<iframe srcdoc="<script>parent.__injected = true</script>"></iframe>'),
  ).toEqual({ ran: false, directives: [] });
  await expect
    .poll(() => refused.slice(before).join("\n"), { timeout: REFUSAL_TIMEOUT_MS })
    .toMatch(/inline script/i);
  expect(refused).toHaveLength(3);

  // The app goes on: a protected call, signing out and in again, a full reload of the dashboard.
  await reloadDashboard(page);
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expectSignedOut(page);
  await signIn(page, email, PASSWORD);
  await page.reload();
  await expectDashboard(page, email);
  expect(refused, "nothing else was refused").toHaveLength(3);
});

test("an inline script in a page's own HTML runs only with that response's nonce", async ({
  page,
}) => {
  const email = uniqueEmail("csp-html");
  await register(page, email);
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expectSignedOut(page);

  // The sign-in page as if the server had reflected markup into it: one script without a nonce,
  // one with the nonce of this very response (which only the server knows).
  let nonce = "";
  await page.route("**/login", async (route) => {
    const response = await route.fetch();
    nonce = /'nonce-([^']+)'/.exec(response.headers()["content-security-policy"] ?? "")?.[1] ?? "";
    const body = (await response.text()).replace(
      "</body>",
      "<script>window.__injected = true</script>" +
        `<script nonce="${nonce}">window.__withNonce = true</script></body>`,
    );
    await route.fulfill({ response, body });
  });
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener(
      "securitypolicyviolation",
      (event) => window.__violations?.push(event.effectiveDirective),
      true,
    );
  });
  await page.goto("/login");
  expect(nonce).not.toBe("");
  await expect
    .poll(() => page.evaluate(() => window.__violations), { timeout: REFUSAL_TIMEOUT_MS })
    .toEqual(["script-src-elem"]);
  expect(await page.evaluate(() => [window.__injected, window.__withNonce])).toEqual([
    undefined,
    true,
  ]);

  // The page's own scripts ran too: the form is live and signs in.
  await signIn(page, email, PASSWORD);
});
