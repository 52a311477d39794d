// A password change in one tab ends the session and gives that tab a new one. Another tab's
// refresh that left a moment before with the old token is refused TOKEN_REVOKED, and that
// refusal can come back before the changing tab's news: it must not sign anyone out.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { BroadcastChannelConstructor } from "./auth-channel";
import { createTestClient } from "./testing/client";
import { createFakeServer, type FakeServer } from "./testing/fake-server";

let server: FakeServer;
let name: string;
const opened: { session: { close(): void } }[] = [];

beforeEach(() => {
  server = createFakeServer({ accessTtlSeconds: 1800 });
  name = `kit-auth-replaced-${Math.random()}`;
});

afterEach(() => {
  for (const tab of opened.splice(0)) tab.session.close();
});

function openTab(mode: "body" | "cookie") {
  const tab = createTestClient(server, {
    mode,
    channel: { name, BroadcastChannel: BroadcastChannel as BroadcastChannelConstructor },
  });
  opened.push(tab);
  return tab;
}

/**
 * Starts a refresh in `tab` that reaches the server with the tokens of now and waits there;
 * `answer()` lets the server go on with it.
 */
async function heldRefresh(tab: ReturnType<typeof openTab>) {
  let release = () => {};
  server.refreshGate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const before = server.count("auth.refresh");
  const pending = tab.session.refresh();
  await vi.waitFor(() => expect(server.count("auth.refresh")).toBe(before + 1));
  return {
    pending,
    answer() {
      server.refreshGate = null;
      release();
    },
  };
}

/** What a password change does on the server: the session ended, a new one opened. */
async function changePassword(refresh: string, { cookie }: { cookie: boolean }) {
  const ended = await server.fetch(`${server.url}/auth.logout`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ refresh }),
  });
  expect(ended.status).toBe(200);
  return server.openSession({ cookie });
}

const sidOf = (token: string | null) =>
  JSON.parse(Buffer.from(token?.split(".")[1] ?? "", "base64url").toString() || "{}").sid;

describe("a refresh refused because a password change in another tab replaced its session", () => {
  it("cookie mode, no news yet: asks once more, and goes on with the cookie's new session", async () => {
    server.openSession({ cookie: true });
    const tab = openTab("cookie");
    await tab.session.refresh();
    const old = server.cookie ?? "";
    const held = await heldRefresh(tab);
    const fresh = await changePassword(old, { cookie: true });
    held.answer();

    const tokens = await held.pending;
    expect(sidOf(tokens.access)).toBe(sidOf(fresh.access));
    expect(tab.events).toEqual([]);
    // The refused one, and the one that found the new cookie.
    expect(server.count("auth.refresh")).toBe(3);
  });

  it("the changing tab's news comes during the wait: adopted, nobody signed out", async () => {
    server.openSession({ cookie: true });
    const changing = openTab("cookie");
    await changing.session.refresh();
    const other = openTab("cookie");
    await other.session.refresh();
    const old = server.cookie ?? "";
    const held = await heldRefresh(other);
    const fresh = await changePassword(old, { cookie: true });
    // The refusal is back first; the changing tab's answer, and its message, a moment later.
    held.answer();
    await vi.waitFor(() => expect(server.count("auth.refresh")).toBe(3));
    changing.session.signIn(fresh);

    const tokens = await held.pending;
    expect(tokens.access).toBe(fresh.access);
    expect(other.events).toEqual([]);
    expect(changing.events).toEqual([]);
    expect(changing.store.get().access).toBe(fresh.access);
    // No second try: the news said what it would have.
    expect(server.count("auth.refresh")).toBe(3);
  });

  it("body mode: the changing tab's news comes during the wait, and is adopted", async () => {
    const pair = server.openSession();
    const changing = openTab("body");
    const other = openTab("body");
    changing.store.set(pair);
    other.store.set(pair);
    const held = await heldRefresh(other);
    const fresh = await changePassword(pair.refresh ?? "", { cookie: false });
    held.answer();
    await vi.waitFor(() => expect(server.count("auth.refresh")).toBe(1));
    changing.session.signIn(fresh);

    expect(await held.pending).toEqual(fresh);
    expect(other.events).toEqual([]);
    expect(changing.events).toEqual([]);
  });

  it("with no new session anywhere: signed out after the wait, once, in every tab", async () => {
    server.openSession({ cookie: true });
    const tab = openTab("cookie");
    await tab.session.refresh();
    const other = openTab("cookie");
    await other.session.refresh();
    await vi.waitFor(() => expect(tab.store.get()).toEqual(other.store.get()));
    const held = await heldRefresh(tab);
    await changePassword(server.cookie ?? "", { cookie: false });
    held.answer();

    await expect(held.pending).rejects.toMatchObject({ code: "TOKEN_REVOKED" });
    expect(tab.events).toEqual([{ reason: "TOKEN_REVOKED", fromOtherTab: false }]);
    await vi.waitFor(() =>
      expect(other.events).toEqual([{ reason: "TOKEN_REVOKED", fromOtherTab: true }]),
    );
    expect(server.count("auth.refresh")).toBe(4);
  });
});
