// Cookie mode end to end: the refresh token never reaches page code; the header and the
// credentials mode are what the server side is built against.

import { COOKIE_MODE_HEADER } from "@kit/api/wire";
import { beforeEach, describe, expect, it } from "vitest";
import { bearersSent, createTestClient } from "./testing/client";
import { createFakeServer, FAKE_USER, type FakeServer } from "./testing/fake-server";

let server: FakeServer;

beforeEach(() => {
  server = createFakeServer({ accessTtlSeconds: 1800 });
});

function refreshRequests() {
  return server.requests.filter((request) => request.path === "auth.refresh");
}

describe("cookie mode", () => {
  it("restores at start-up from the cookie: header, empty body, same-origin credentials", async () => {
    server.openSession({ cookie: true });
    const { session, client, store } = createTestClient(server, { mode: "cookie" });
    expect(store.get()).toEqual({ access: null, refresh: null });

    const tokens = await session.refresh();
    expect(tokens.access).toEqual(expect.any(String));
    expect(tokens.refresh).toBeNull();

    const [request] = refreshRequests();
    expect(request?.method).toBe("POST");
    expect(request?.headers.get(COOKIE_MODE_HEADER)).toBe("cookie");
    expect(request?.headers.get("content-type")).toBe("application/json");
    expect(request?.body).toBe("{}");
    expect(request?.credentials).toBe("same-origin");

    await expect(client.auth.me.query()).resolves.toEqual(FAKE_USER);
    expect(bearersSent(server, "auth.me")).toEqual([tokens.access]);
  });

  it("refreshes through the cookie when the access token is due, keeping refresh null", async () => {
    const first = server.openSession({ cookie: true });
    const firstCookie = server.cookie;
    const { session, client, store } = createTestClient(server, { mode: "cookie" });
    session.signIn(first);
    server.now += 1801 * 1000;

    const users = await Promise.all(Array.from({ length: 5 }, () => client.auth.me.query()));
    expect(users).toHaveLength(5);
    expect(refreshRequests()).toHaveLength(1);
    expect(store.get().refresh).toBeNull();
    expect(store.get().access).not.toBe(first.access);
    // The server rotated the cookie; the page never saw it.
    expect(server.cookie).not.toBe(firstCookie);
  });

  it("retries a TOKEN_EXPIRED call once after a cookie refresh", async () => {
    const first = server.openSession({ cookie: true });
    const { session, client } = createTestClient(server, { mode: "cookie" });
    session.signIn(first);
    server.expiredAccess.add(first.access);
    await expect(client.auth.me.query()).resolves.toEqual(FAKE_USER);
    expect(refreshRequests()).toHaveLength(1);
  });

  it("drops a refresh token handed to the store", () => {
    const { session, store } = createTestClient(server, { mode: "cookie" });
    session.signIn({ access: "a.b.c", refresh: "should-not-be-kept" });
    expect(store.get()).toEqual({ access: "a.b.c", refresh: null });
  });

  it("without a cookie, start-up restore fails quietly: no signed-out event, public calls work", async () => {
    const { session, client, events } = createTestClient(server, { mode: "cookie" });
    await expect(session.refresh()).rejects.toMatchObject({ code: "MISSING_TOKEN" });
    expect(events).toEqual([]);
    // Nothing to refresh with: later calls do not try again.
    await expect(client.auth.me.query()).rejects.toMatchObject({
      data: { appCode: "MISSING_TOKEN" },
    });
    expect(refreshRequests()).toHaveLength(1);
  });

  it("a dead cookie signs out once", async () => {
    const first = server.openSession({ cookie: true });
    const { session, client, store, events } = createTestClient(server, { mode: "cookie" });
    session.signIn(first);
    server.now += 1801 * 1000;
    server.refreshFailure = { appCode: "TOKEN_REVOKED" };
    await Promise.allSettled([client.auth.me.query(), client.auth.me.query()]);
    await client.auth.me.query().catch(() => null);
    // One, and one more after a moment to confirm it (another tab's new session may have been
    // in the cookie by then).
    expect(refreshRequests()).toHaveLength(2);
    expect(store.get().access).toBeNull();
    expect(events).toEqual([{ reason: "TOKEN_REVOKED", fromOtherTab: false }]);
  });

  it("signOut asks the server to end the cookie session with the same header", async () => {
    server.openSession({ cookie: true });
    const { session } = createTestClient(server, { mode: "cookie" });
    await session.refresh();
    await session.signOut();
    const logout = server.requests.find((request) => request.path === "auth.logout");
    expect(logout?.headers.get(COOKIE_MODE_HEADER)).toBe("cookie");
    expect(logout?.body).toBe("{}");
    expect(logout?.credentials).toBe("same-origin");
    expect(server.cookie).toBeNull();
  });
});
