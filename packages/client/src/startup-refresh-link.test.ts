// A cookie-mode page load: the first calls wait for one cookie refresh, and only the server's
// "no session" lets them go on without a token; a passing failure fails them and is tried again.
import { readAppCode } from "@kit/api/wire";
import { TRPCClientError } from "@trpc/client";
import { beforeEach, describe, expect, it } from "vitest";
import { bearersSent, createTestClient } from "./testing/client";
import { createFakeServer, FAKE_PASSWORD, FAKE_USER, type FakeServer } from "./testing/fake-server";

let server: FakeServer;

beforeEach(() => {
  server = createFakeServer({ accessTtlSeconds: 1800 });
});

const pageLoad = () => createTestClient(server, { mode: "cookie", startup: true });

async function failureOf(promise: Promise<unknown>): Promise<TRPCClientError<never>> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCClientError);
  return error as TRPCClientError<never>;
}

describe("startupRefreshLink", () => {
  it("makes the page's first calls wait for one refresh through the cookie, then carry its token", async () => {
    server.openSession({ cookie: true });
    const { client, store } = pageLoad();

    const users = await Promise.all([client.auth.me.query(), client.auth.me.query()]);
    expect(users).toEqual([FAKE_USER, FAKE_USER]);
    expect(server.count("auth.refresh")).toBe(1);
    expect(bearersSent(server, "auth.me")).toEqual([store.get().access, store.get().access]);

    // Started: later calls go straight on.
    await client.auth.me.query();
    expect(server.count("auth.refresh")).toBe(1);
  });

  it("does not refresh a page that already holds an access token", async () => {
    const pair = server.openSession({ cookie: true });
    const { client, session } = pageLoad();
    session.signIn(pair);

    await expect(client.auth.me.query()).resolves.toEqual(FAKE_USER);
    expect(server.count("auth.refresh")).toBe(0);
  });

  it.each(["TOKEN_REUSED", "TOKEN_REVOKED", "USER_NOT_FOUND"] as const)(
    "says why when the page's first refresh finds its session over (%s), though the page held no token yet",
    async (appCode) => {
      server.openSession({ cookie: true });
      server.refreshFailure = { appCode };
      const { client, events } = pageLoad();

      const refused = await failureOf(client.auth.me.query());
      expect(readAppCode(refused)).toBe("MISSING_TOKEN");
      // The server's answer proves there was a session, and that it ended: the page can say so
      // (the web app's "used from somewhere else" notice) instead of a plain sign-in page.
      expect(events).toEqual([{ reason: appCode, fromOtherTab: false }]);
    },
  );

  it("lets the calls go on without a token when the server says there is no session", async () => {
    const { client, events } = pageLoad(); // no cookie at all

    const refused = await failureOf(client.auth.me.query());
    expect(readAppCode(refused)).toBe("MISSING_TOKEN");
    expect(bearersSent(server, "auth.me")).toEqual([null]);
    // A visitor, not a session that ended here: no sign-out event.
    expect(events).toEqual([]);
    // Public procedures work, and the refresh is not tried again on every call.
    await expect(
      client.auth.login.mutate({ email: FAKE_USER.email, password: FAKE_PASSWORD }),
    ).resolves.toMatchObject({ user: FAKE_USER });
    expect(server.count("auth.refresh")).toBe(1);
  });

  it("lets the calls go on without a token when the cookie is dead (revoked)", async () => {
    server.openSession({ cookie: true });
    server.refreshFailure = { appCode: "TOKEN_REVOKED" };
    const { client } = pageLoad();

    const refused = await failureOf(client.auth.me.query());
    expect(readAppCode(refused)).toBe("MISSING_TOKEN");
    expect(bearersSent(server, "auth.me")).toEqual([null]);
  });

  it("fails the waiting calls when the server cannot be reached, sends nothing unauthenticated, and tries again on the next call", async () => {
    server.openSession({ cookie: true });
    const cookie = server.cookie;
    server.refreshFailure = "network";
    const { client, events, store } = pageLoad();

    const [first, second] = await Promise.all([
      failureOf(client.auth.me.query()),
      failureOf(client.auth.me.query()),
    ]);
    // No appCode: the server said nothing (an app shows "could not reach the server").
    expect(readAppCode(first)).toBeNull();
    expect(readAppCode(second)).toBeNull();
    // One refresh for both calls, tried once more at once (its answer might have been lost).
    expect(server.count("auth.refresh")).toBe(2);
    expect(server.count("auth.me")).toBe(0);
    expect(server.count("auth.logout")).toBe(0);
    expect(events).toEqual([]);
    expect(server.cookie).toBe(cookie);

    server.refreshFailure = null;
    await expect(client.auth.me.query()).resolves.toEqual(FAKE_USER);
    expect(server.count("auth.refresh")).toBe(3);
    expect(bearersSent(server, "auth.me")).toEqual([store.get().access]);
  });

  it.each([
    ["DB_UNAVAILABLE", 503],
    ["SERVER_BUSY", 503],
    ["RATE_LIMITED", 429],
  ])(
    "fails the waiting calls with the server's %s (status %i) and keeps the session",
    async (appCode, status) => {
      server.openSession({ cookie: true });
      server.refreshFailure = { appCode };
      const { client, events } = pageLoad();

      const refused = await failureOf(client.auth.me.query());
      expect(readAppCode(refused)).toBe(appCode);
      expect(refused.data).toMatchObject({ httpStatus: status });
      expect(server.count("auth.me")).toBe(0);
      expect(events).toEqual([]);

      server.refreshFailure = null;
      await expect(client.auth.me.query()).resolves.toEqual(FAKE_USER);
    },
  );

  it("fails the waiting calls on an unreadable answer (a proxy's HTML 502) and tries again", async () => {
    server.openSession({ cookie: true });
    server.refreshFailure = { status: 502, text: "<html>Bad gateway</html>" };
    const { client } = pageLoad();

    const refused = await failureOf(client.auth.me.query());
    expect(readAppCode(refused)).toBeNull();
    expect(server.count("auth.me")).toBe(0);

    server.refreshFailure = null;
    await expect(client.auth.me.query()).resolves.toEqual(FAKE_USER);
  });
});
