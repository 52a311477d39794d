// Signing out when auth.logout cannot get through: retried with backoff; in cookie mode, where
// only the server can clear the HttpOnly cookie, a final failure is the caller's to report.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { BroadcastChannelConstructor } from "./auth-channel";
import { RefreshError } from "./refresh-error";
import { createTestClient } from "./testing/client";
import {
  createFakeServer,
  FAKE_USER,
  type FakeServer,
  type RefreshFailure,
} from "./testing/fake-server";

let server: FakeServer;
let channelName: string;
const opened: { session: { close(): void } }[] = [];

const NETWORK: RefreshFailure = "network";
const UNAVAILABLE: RefreshFailure = { status: 503, text: "Service Unavailable" };

beforeEach(() => {
  server = createFakeServer({ accessTtlSeconds: 1800 });
  channelName = `kit-auth-sign-out-${Math.random()}`;
  // Only the backoff's waits are faked; the fake server answers on real promises.
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
});

afterEach(() => {
  vi.useRealTimers();
  for (const tab of opened.splice(0)) tab.session.close();
});

/** A tab signed in through the cookie, as the web app is after a reload. */
async function cookieTab() {
  const tab = createTestClient(server, {
    mode: "cookie",
    channel: {
      name: channelName,
      BroadcastChannel: BroadcastChannel as BroadcastChannelConstructor,
    },
  });
  opened.push(tab);
  await tab.session.refresh();
  return tab;
}

function logouts(): number {
  return server.count("auth.logout");
}

/** Settles `promise` while letting the backoff's timers run. */
async function settle<T>(promise: Promise<T>): Promise<T> {
  const result = promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  await vi.runAllTimersAsync();
  const outcome = await result;
  if ("error" in outcome) throw outcome.error;
  return outcome.value;
}

describe("cookie mode: signOut while the server cannot be reached", () => {
  it("tries again after a network error, a 503 and a 500, then signs out", async () => {
    server.openSession({ cookie: true });
    const { session, store, events } = await cookieTab();
    server.logoutFailures = [NETWORK, UNAVAILABLE, "internal"];

    await settle(session.signOut());
    expect(logouts()).toBe(4);
    expect(server.cookie).toBeNull();
    expect(store.get()).toEqual({ access: null, refresh: null });
    expect(events).toEqual([{ reason: "SIGN_OUT", fromOtherTab: false }]);
  });

  it("waits longer before each attempt: 250 ms, 1 s, 3 s", async () => {
    server.openSession({ cookie: true });
    const { session } = await cookieTab();
    server.logoutFailures = [NETWORK, NETWORK, NETWORK];
    const done = session.signOut();

    await vi.advanceTimersByTimeAsync(0);
    expect(logouts()).toBe(1);
    await vi.advanceTimersByTimeAsync(249);
    expect(logouts()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(logouts()).toBe(2);
    await vi.advanceTimersByTimeAsync(999);
    expect(logouts()).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(logouts()).toBe(3);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(logouts()).toBe(4);
    await done;
  });

  it("when every attempt fails: rejects with the last failure and changes nothing, here or in other tabs", async () => {
    server.openSession({ cookie: true });
    const here = await cookieTab();
    const other = await cookieTab();
    // The second tab's start-up refresh reaches the first over the channel.
    await vi.waitFor(() => expect(here.store.get()).toEqual(other.store.get()));
    const cookie = server.cookie;
    const access = here.store.get().access;
    server.logoutFailures = [NETWORK, UNAVAILABLE, NETWORK, UNAVAILABLE];

    const error = await settle(here.session.signOut()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RefreshError);
    expect(error).toMatchObject({ code: "BAD_RESPONSE", status: 503 });
    expect(logouts()).toBe(4);
    // Still signed in, and saying so is true: the cookie is alive and the token still works.
    expect(server.cookie).toBe(cookie);
    expect(here.store.get().access).toBe(access);
    expect(here.events).toEqual([]);
    await expect(here.client.auth.me.query()).resolves.toEqual(FAKE_USER);
    await vi.advanceTimersByTimeAsync(0);
    expect(other.events).toEqual([]);
    expect(other.store.get().access).not.toBeNull();

    // The server is back: trying again signs out here and in the other tab.
    await settle(here.session.signOut());
    expect(logouts()).toBe(5);
    expect(server.cookie).toBeNull();
    expect(here.events).toEqual([{ reason: "SIGN_OUT", fromOtherTab: false }]);
    await vi.waitFor(() =>
      expect(other.events).toEqual([{ reason: "SIGN_OUT", fromOtherTab: true }]),
    );
    expect(other.store.get().access).toBeNull();
  });

  it("a refusal (403 CSRF_REJECTED) is reported at once: sending it again would not help", async () => {
    server.openSession({ cookie: true });
    const { session, store, events } = await cookieTab();
    server.logoutFailures = [{ appCode: "CSRF_REJECTED" }];

    await expect(settle(session.signOut())).rejects.toMatchObject({
      code: "CSRF_REJECTED",
      status: 403,
    });
    expect(logouts()).toBe(1);
    expect(store.get().access).not.toBeNull();
    expect(events).toEqual([]);
  });

  it("a 429 is tried again", async () => {
    server.openSession({ cookie: true });
    const { session, events } = await cookieTab();
    server.logoutFailures = [{ appCode: "RATE_LIMITED" }];
    await settle(session.signOut());
    expect(logouts()).toBe(2);
    expect(events).toHaveLength(1);
  });

  it("an answer that the token is already dead counts as signed out, without retrying", async () => {
    server.openSession({ cookie: true });
    const { session, store, events } = await cookieTab();
    // The real server clears the cookie before it looks at the token, so this answer has too.
    server.logoutFailures = [{ appCode: "TOKEN_EXPIRED" }];
    await settle(session.signOut());
    expect(logouts()).toBe(1);
    expect(store.get().access).toBeNull();
    expect(events).toEqual([{ reason: "SIGN_OUT", fromOtherTab: false }]);
  });

  it("a second signOut while the first is still trying joins it", async () => {
    server.openSession({ cookie: true });
    const { session, events } = await cookieTab();
    server.logoutFailures = [NETWORK];
    const first = session.signOut();
    const second = session.signOut();
    await settle(Promise.all([first, second]));
    expect(logouts()).toBe(2);
    expect(events).toHaveLength(1);
  });

  it("alreadyEnded (after account.logoutAll): signed out at once, the logout only tidies up", async () => {
    server.openSession({ cookie: true });
    const { session, store, events } = await cookieTab();
    server.logoutFailures = [NETWORK, NETWORK, NETWORK, NETWORK];
    const done = session.signOut({ alreadyEnded: true });
    expect(store.get().access).toBeNull();
    expect(events).toEqual([{ reason: "SIGN_OUT", fromOtherTab: false }]);
    await settle(done);
    expect(logouts()).toBe(4);
  });
});

describe("tidying up after a session already ended", () => {
  it("several calls at once (every failing query on a page) send one logout", async () => {
    server.openSession({ cookie: true });
    const { session, events } = await cookieTab();
    server.logoutFailures = [NETWORK];
    await settle(Promise.all([1, 2, 3].map(() => session.signOut({ alreadyEnded: true }))));
    // One logout, tried twice (its retry), not three of them.
    expect(logouts()).toBe(2);
    expect(events).toHaveLength(1);
  });

  it("a new session signed in meanwhile gets its own logout", async () => {
    server.openSession({ cookie: true });
    const { session } = await cookieTab();
    server.logoutFailures = [NETWORK];
    const tidying = session.signOut({ alreadyEnded: true });
    session.signIn(server.openSession({ cookie: true }));
    await settle(Promise.all([tidying, session.signOut()]));
    expect(logouts()).toBe(3);
  });
});

describe("body mode: signOut while the server cannot be reached", () => {
  it("signs out here at once, tries the logout again, and does not report a final failure", async () => {
    const pair = server.openSession();
    const { session, store, events } = createTestClient(server);
    session.signIn(pair);
    server.logoutFailures = [NETWORK, UNAVAILABLE, NETWORK, UNAVAILABLE];

    const done = session.signOut();
    // The refresh token lived in our store: forgetting it is the sign-out on this device.
    expect(store.get()).toEqual({ access: null, refresh: null });
    expect(events).toEqual([{ reason: "SIGN_OUT", fromOtherTab: false }]);
    await settle(done);
    expect(logouts()).toBe(4);
  });

  it("the retry presents the same refresh token and ends the server session", async () => {
    const pair = server.openSession();
    const { session, client } = createTestClient(server);
    session.signIn(pair);
    server.logoutFailures = [NETWORK];
    await settle(session.signOut());
    const bodies = server.requests.filter((r) => r.path === "auth.logout").map((r) => r.body);
    expect(bodies).toEqual([
      JSON.stringify({ refresh: pair.refresh }),
      JSON.stringify({ refresh: pair.refresh }),
    ]);
    await expect(client.auth.refresh.mutate({ refresh: pair.refresh })).rejects.toMatchObject({
      data: { appCode: "TOKEN_REVOKED" },
    });
  });
});

describe("signOutRetryDelaysMs", () => {
  it("sets the attempts; [] tries once", async () => {
    server.openSession({ cookie: true });
    const tab = createTestClient(server, { mode: "cookie", signOutRetryDelaysMs: [] });
    await tab.session.refresh();
    server.logoutFailures = [NETWORK];
    await expect(tab.session.signOut()).rejects.toMatchObject({ code: "NETWORK_ERROR" });
    expect(logouts()).toBe(1);
  });

  it("refuses a negative or non-finite wait", () => {
    for (const delays of [[-1], [Number.NaN], [Number.POSITIVE_INFINITY]]) {
      expect(() => createTestClient(server, { signOutRetryDelaysMs: delays })).toThrow(TypeError);
    }
  });
});
