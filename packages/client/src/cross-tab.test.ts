// Two "tabs": two sessions and clients, each with its own BroadcastChannel on one name.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { BroadcastChannelConstructor } from "./auth-channel";
import { bearersSent, createTestClient } from "./testing/client";
import { createFakeServer, FAKE_USER, type FakeServer, fakeJwt } from "./testing/fake-server";

let server: FakeServer;
let name: string;
const opened: { session: { close(): void } }[] = [];

beforeEach(() => {
  server = createFakeServer({ accessTtlSeconds: 1800 });
  // A fresh name per test: Node delivers to every channel of that name in the process.
  name = `kit-auth-test-${Math.random()}`;
});

afterEach(() => {
  for (const tab of opened.splice(0)) tab.session.close();
});

function openTab() {
  const tab = createTestClient(server, {
    channel: { name, BroadcastChannel: BroadcastChannel as BroadcastChannelConstructor },
  });
  opened.push(tab);
  return tab;
}

/** Both tabs loaded with the same pair, as after a login in one and a reload of the other. */
function twoTabs() {
  const pair = server.openSession();
  const a = openTab();
  const b = openTab();
  a.store.set(pair);
  b.store.set(pair);
  return { a, b, pair };
}

describe("across tabs", () => {
  it("one tab refreshes, the other adopts the new tokens without a refresh of its own", async () => {
    const { a, b, pair } = twoTabs();
    server.now += 1801 * 1000;

    await expect(a.client.auth.me.query()).resolves.toEqual(FAKE_USER);
    expect(server.count("auth.refresh")).toBe(1);
    await vi.waitFor(() => expect(b.store.get()).toEqual(a.store.get()));
    expect(b.store.get().access).not.toBe(pair.access);

    await expect(b.client.auth.me.query()).resolves.toEqual(FAKE_USER);
    expect(server.count("auth.refresh")).toBe(1);
    expect(bearersSent(server, "auth.me")).toEqual([a.store.get().access, a.store.get().access]);
  });

  it("two tabs refreshing at once both succeed: the server's grace window, no lock", async () => {
    const { a, b } = twoTabs();
    server.now += 1801 * 1000;
    const users = await Promise.all([a.client.auth.me.query(), b.client.auth.me.query()]);
    expect(users).toEqual([FAKE_USER, FAKE_USER]);
    expect(server.count("auth.refresh")).toBe(2);
    expect(b.store.get()).toEqual(a.store.get());
    expect([...a.events, ...b.events]).toEqual([]);
  });

  it("sign-in in one tab signs the other in", async () => {
    const a = openTab();
    const b = openTab();
    a.session.signIn(server.openSession());
    await vi.waitFor(() => expect(b.store.get()).toEqual(a.store.get()));
    await expect(b.client.auth.me.query()).resolves.toEqual(FAKE_USER);
  });

  it("sign-in as another account in one tab ends the first account's session in the other", async () => {
    const { a, b } = twoTabs();
    const iat = Math.floor(server.now / 1000);
    const other = {
      access: fakeJwt({ sub: "someone-else", sid: "s2", iat, exp: iat + 1800, type: "access" }),
      refresh: fakeJwt({ sub: "someone-else", sid: "s2", iat, exp: iat + 9999, type: "refresh" }),
    };
    a.session.signIn(other);
    // The other tab shows the first account's page: it must leave it, then hold the new pair.
    await vi.waitFor(() =>
      expect(b.events).toEqual([{ reason: "ACCOUNT_CHANGED", fromOtherTab: true }]),
    );
    expect(b.store.get()).toEqual(other);
    expect(a.events).toEqual([]);
    // And back: now the first tab held the other account's page.
    b.session.signIn(server.openSession());
    await vi.waitFor(() =>
      expect(a.events).toEqual([{ reason: "ACCOUNT_CHANGED", fromOtherTab: true }]),
    );
    // The same account signing in again is no change of account.
    a.session.signIn(server.openSession());
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(b.store.get()).toEqual(a.store.get());
    expect(a.events).toHaveLength(1);
    expect(b.events).toHaveLength(1);
  });

  it("sign-out in one tab clears the other and fires its signed-out event", async () => {
    const { a, b } = twoTabs();
    await a.session.signOut();
    expect(a.events).toEqual([{ reason: "SIGN_OUT", fromOtherTab: false }]);
    await vi.waitFor(() => expect(b.events).toEqual([{ reason: "SIGN_OUT", fromOtherTab: true }]));
    expect(b.store.get()).toEqual({ access: null, refresh: null });
    // The echo does not come back: still one event each.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(a.events).toHaveLength(1);
    expect(b.events).toHaveLength(1);
  });

  it("a dead refresh token in one tab signs every tab out with its reason", async () => {
    const { a, b } = twoTabs();
    server.now += 1801 * 1000;
    server.refreshFailure = { appCode: "TOKEN_REUSED" };
    await a.client.auth.me.query().catch(() => null);
    await vi.waitFor(() =>
      expect(b.events).toEqual([{ reason: "TOKEN_REUSED", fromOtherTab: true }]),
    );
    await b.client.auth.me.query().catch(() => null);
    expect(server.count("auth.refresh")).toBe(1);
  });

  it("a tab whose own refresh fails after adopting newer tokens keeps the newer ones", async () => {
    const { a, b } = twoTabs();
    server.now += 1801 * 1000;
    let release = () => {};
    server.refreshGate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow = b.client.auth.me.query();
    await vi.waitFor(() => expect(server.count("auth.refresh")).toBe(1));

    // Meanwhile tab A obtains and broadcasts a new pair (out of band here: its own login).
    const newer = server.openSession();
    a.session.signIn(newer);
    await vi.waitFor(() => expect(b.store.get()).toEqual(newer));

    // B's stale refresh now fails for good; B must not sign out over stale tokens.
    server.refreshFailure = { appCode: "TOKEN_REVOKED" };
    release();
    await expect(slow).resolves.toEqual(FAKE_USER);
    expect(b.store.get()).toEqual(newer);
    expect(b.events).toEqual([]);
    expect(a.events).toEqual([]);
  });

  it("ignores foreign messages on the channel", async () => {
    const { b, pair } = twoTabs();
    const stranger = new BroadcastChannel(name);
    stranger.postMessage({ type: "signed-out" });
    stranger.postMessage({ type: "tokens", tokens: { access: 42 } });
    stranger.postMessage("hello");
    await new Promise((resolve) => setTimeout(resolve, 20));
    stranger.close();
    expect(b.store.get()).toEqual(pair);
    expect(b.events).toEqual([]);
  });
});
