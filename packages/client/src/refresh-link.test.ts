// The refresh link driven through a real tRPC client (refreshLink + httpLink) against the fake.
import type { KitRouter } from "@kit/api";
import { createTRPCClient, httpBatchLink, TRPCClientError } from "@trpc/client";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { bearerHeaders } from "./bearer-headers";
import { createLocalStorageStore } from "./local-storage-store";
import { DEFAULT_REFRESH_TIMEOUT_MS, type FetchLike } from "./refresh-call";
import { RefreshError, SIGN_OUT_CODES } from "./refresh-error";
import { refreshLink } from "./refresh-link";
import { bodyRefresh } from "./refresh-strategy";
import { bearersSent, createTestClient } from "./testing/client";
import {
  createFakeServer,
  FAKE_PASSWORD,
  FAKE_USER,
  type FakeServer,
  type RefreshFailure,
} from "./testing/fake-server";

const ACCESS_TTL = 1800;
let server: FakeServer;

beforeEach(() => {
  server = createFakeServer({ accessTtlSeconds: ACCESS_TTL });
});

function signedIn(options: Parameters<typeof createTestClient>[1] = {}) {
  const test = createTestClient(server, options);
  const pair = server.openSession();
  test.session.signIn(pair);
  return { ...test, pair };
}

const advance = (seconds: number) => {
  server.now += seconds * 1000;
};

describe("sending the token", () => {
  it("sends the access token as Authorization: Bearer", async () => {
    const { client, pair } = signedIn();
    await expect(client.auth.me.query()).resolves.toEqual(FAKE_USER);
    expect(bearersSent(server, "auth.me")).toEqual([pair.access]);
    expect(server.count("auth.refresh")).toBe(0);
  });

  it("lets calls without any token through without Authorization (public procedures work)", async () => {
    const { client, session, store } = createTestClient(server);
    const login = await client.auth.login.mutate({
      email: FAKE_USER.email,
      password: FAKE_PASSWORD,
    });
    expect(bearersSent(server, "auth.login")).toEqual([null]);
    expect(server.count("auth.refresh")).toBe(0);

    session.signIn(login);
    expect(store.get()).toEqual({ access: login.access, refresh: login.refresh });
    await expect(client.auth.me.query()).resolves.toEqual(FAKE_USER);
    expect(bearersSent(server, "auth.me")).toEqual([login.access]);
  });

  it("sends one Authorization for a whole httpBatchLink batch", async () => {
    const { session, pair } = signedIn();
    const client = createTRPCClient<KitRouter>({
      links: [
        refreshLink(session),
        httpBatchLink({ url: server.url, fetch: server.fetch, headers: bearerHeaders }),
      ],
    });
    const users = await Promise.all([1, 2, 3].map(() => client.auth.me.query()));
    expect(users).toEqual([FAKE_USER, FAKE_USER, FAKE_USER]);
    expect(bearersSent(server, "auth.me,auth.me,auth.me")).toEqual([pair.access]);
  });
});

describe("proactive refresh", () => {
  it("refreshes before the call when exp is within the skew (60 s)", async () => {
    const { client, pair, store } = signedIn();
    advance(ACCESS_TTL - 30);
    await expect(client.auth.me.query()).resolves.toEqual(FAKE_USER);
    expect(server.count("auth.refresh")).toBe(1);
    const [sent] = bearersSent(server, "auth.me");
    expect(sent).not.toBe(pair.access);
    expect(sent).toBe(store.get().access);
    expect(store.get().refresh).not.toBe(pair.refresh);
  });

  it("does not refresh while exp is further away than the skew", async () => {
    const { client, pair } = signedIn();
    advance(ACCESS_TTL - 61);
    await client.auth.me.query();
    expect(server.count("auth.refresh")).toBe(0);
    expect(bearersSent(server, "auth.me")).toEqual([pair.access]);
  });

  it("honours skewSeconds", async () => {
    const { client } = signedIn({ skewSeconds: 300 });
    advance(ACCESS_TTL - 200);
    await client.auth.me.query();
    expect(server.count("auth.refresh")).toBe(1);
  });

  it("shares one refresh among 50 concurrent calls with an expired token, and all succeed", async () => {
    const { client, store } = signedIn();
    advance(ACCESS_TTL + 1);
    const users = await Promise.all(Array.from({ length: 50 }, () => client.auth.me.query()));
    expect(users).toHaveLength(50);
    expect(users.every((user) => user.id === FAKE_USER.id)).toBe(true);
    expect(server.count("auth.refresh")).toBe(1);
    expect(new Set(bearersSent(server, "auth.me"))).toEqual(new Set([store.get().access]));
  });

  it("keeps sending a still-valid token when a proactive refresh fails for a passing reason", async () => {
    const { client, pair, events } = signedIn();
    advance(ACCESS_TTL - 30);
    server.refreshFailure = "internal";
    await expect(client.auth.me.query()).resolves.toEqual(FAKE_USER);
    expect(bearersSent(server, "auth.me")).toEqual([pair.access]);
    expect(events).toEqual([]);
  });

  it("does not refresh before every call when the client clock is an hour ahead", async () => {
    const { client } = signedIn({ clockAheadMs: 3_600_000 });
    for (let i = 0; i < 3; i++) await client.auth.me.query();
    expect(server.count("auth.refresh")).toBe(0);
  });
});

describe("TOKEN_EXPIRED from the server", () => {
  it("refreshes and retries the call once", async () => {
    const { client, pair, store } = signedIn();
    server.expiredAccess.add(pair.access);
    await expect(client.auth.me.query()).resolves.toEqual(FAKE_USER);
    expect(server.count("auth.refresh")).toBe(1);
    expect(bearersSent(server, "auth.me")).toEqual([pair.access, store.get().access]);
  });

  it("shares one refresh among concurrent calls that were all refused", async () => {
    const { client, pair } = signedIn();
    server.expiredAccess.add(pair.access);
    const users = await Promise.all(Array.from({ length: 10 }, () => client.auth.me.query()));
    expect(users).toHaveLength(10);
    expect(server.count("auth.refresh")).toBe(1);
    expect(server.count("auth.me")).toBe(20);
  });

  it("gives a second TOKEN_EXPIRED to the caller instead of looping", async () => {
    const { client } = signedIn();
    server.expireEveryAccess = true;
    await expect(client.auth.me.query()).rejects.toMatchObject({
      data: { appCode: "TOKEN_EXPIRED" },
    });
    expect(server.count("auth.me")).toBe(2);
    expect(server.count("auth.refresh")).toBe(1);

    // Each call is bounded the same way: at most one refresh and one retry.
    await expect(client.auth.me.query()).rejects.toBeInstanceOf(TRPCClientError);
    expect(server.count("auth.me")).toBe(4);
    expect(server.count("auth.refresh")).toBe(2);
  });

  it("does not retry a call that was sent without a token", async () => {
    const { client } = createTestClient(server);
    await expect(client.auth.me.query()).rejects.toMatchObject({
      data: { appCode: "MISSING_TOKEN" },
    });
    expect(server.count("auth.me")).toBe(1);
    expect(server.count("auth.refresh")).toBe(0);
  });
});

describe("a refresh token that is dead for good", () => {
  it.each(SIGN_OUT_CODES)(
    "%s: clears the store, signs out once, never refreshes again",
    async (code) => {
      const { client, store, events } = signedIn();
      advance(ACCESS_TTL + 1);
      server.refreshFailure = { appCode: code };

      // Signed out, the calls go on without a token: the server answers MISSING_TOKEN to a
      // protected procedure, and public ones still work.
      const calls = Array.from({ length: 5 }, () => client.auth.me.query());
      calls.push(client.auth.me.query());
      for (const call of calls) {
        await expect(call).rejects.toMatchObject({ data: { appCode: "MISSING_TOKEN" } });
      }

      expect(server.count("auth.refresh")).toBe(1);
      expect(server.count("auth.me")).toBe(6);
      expect(store.get()).toEqual({ access: null, refresh: null });
      expect(events).toEqual([{ reason: code, fromOtherTab: false }]);
      expect(bearersSent(server, "auth.me").every((token) => token === null)).toBe(true);
      await expect(
        client.auth.login.mutate({ email: FAKE_USER.email, password: FAKE_PASSWORD }),
      ).resolves.toMatchObject({ user: FAKE_USER });
    },
  );

  it("after a retry's refresh fails, gives the caller the refresh's appCode", async () => {
    const { client, pair, store, events } = signedIn();
    server.expiredAccess.add(pair.access);
    server.refreshFailure = { appCode: "TOKEN_REUSED" };
    const error = await client.auth.me.query().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect(error).toMatchObject({ data: { appCode: "TOKEN_REUSED", httpStatus: 401 } });
    expect((error as TRPCClientError<KitRouter>).cause).toBeInstanceOf(RefreshError);
    expect(store.get().access).toBeNull();
    expect(events).toHaveLength(1);
  });

  it("a refresh that completes after signOut does not sign the user back in", async () => {
    const { client, session, store, events } = signedIn();
    advance(ACCESS_TTL + 1);
    let release = () => {};
    server.refreshGate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const call = client.auth.me.query();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(server.count("auth.refresh")).toBe(1);

    await session.signOut({ revoke: false });
    release();
    await expect(call).rejects.toMatchObject({ data: { appCode: "MISSING_TOKEN" } });
    expect(store.get()).toEqual({ access: null, refresh: null });
    expect(events).toEqual([{ reason: "SIGN_OUT", fromOtherTab: false }]);
  });
});

describe("a call refused because its session is over", () => {
  it("TOKEN_REVOKED on an ordinary call: signs out once, after a moment's wait for news, with no refresh", async () => {
    const { client, pair, store, events } = signedIn();
    // Revoked from another device: the server ends the session behind this page's back.
    await client.auth.logout.mutate({ refresh: pair.refresh });
    const calls = [client.auth.me.query(), client.auth.me.query()];
    for (const call of calls) {
      await expect(call).rejects.toMatchObject({ data: { appCode: "TOKEN_REVOKED" } });
    }
    // Not at once: a password change in another tab would have brought a new session by now.
    expect(events).toEqual([]);
    await vi.waitFor(
      () => expect(events).toEqual([{ reason: "TOKEN_REVOKED", fromOtherTab: false }]),
      { timeout: 3000 },
    );
    expect(store.get()).toEqual({ access: null, refresh: null });
    expect(server.count("auth.refresh")).toBe(0);
  });

  it("sends a call refused on a stale token again, once, with the new session's token", async () => {
    const { client, pair, session, store, events } = signedIn();
    await client.auth.logout.mutate({ refresh: pair.refresh });
    const fresh = server.openSession();
    const late = client.auth.me.query();
    // A new session of the same account (a password change in another tab) lands before the
    // refused call comes back: the call never ran, and runs now under the new session.
    session.signIn(fresh);
    await expect(late).resolves.toEqual(FAKE_USER);
    expect(bearersSent(server, "auth.me")).toEqual([pair.access, fresh.access]);
    expect(events).toEqual([]);
    expect(store.get()).toEqual(fresh);
  });

  it("never sends it again as another account, and ignores the stale verdict", async () => {
    const { client, pair, session, store, events } = signedIn();
    await client.auth.logout.mutate({ refresh: pair.refresh });
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const exp = Math.floor(server.now / 1000) + 600;
    const other = {
      access: `${encode({ alg: "HS256" })}.${encode({ sub: "someone-else", exp, iat: exp - 600 })}.x`,
      refresh: "other-refresh",
    };
    const late = client.auth.me.query();
    session.signIn(other);
    await expect(late).rejects.toMatchObject({ data: { appCode: "TOKEN_REVOKED" } });
    expect(bearersSent(server, "auth.me")).toEqual([pair.access]);
    expect(events).toEqual([]);
    expect(store.get()).toEqual(other);
  });
});

describe("a refresh that fails for a passing reason", () => {
  const failures: [string, RefreshFailure][] = [
    ["a network error", "network"],
    ["a tRPC 500", "internal"],
    ["a proxy's HTML 502", { status: 502, text: "<html>Bad Gateway</html>" }],
    ["RATE_LIMITED", { appCode: "RATE_LIMITED" }],
    ["a 503 DB_UNAVAILABLE (the server's database is down)", { appCode: "DB_UNAVAILABLE" }],
  ];

  it.each(failures)("%s: fails the call, keeps the tokens, no sign-out", async (_, failure) => {
    const { client, pair, store, events } = signedIn();
    advance(ACCESS_TTL + 1);
    server.refreshFailure = failure;

    const error = await client.auth.me.query().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<KitRouter>).cause).toBeInstanceOf(RefreshError);
    expect(server.count("auth.me")).toBe(0);
    expect(store.get()).toEqual(pair);
    expect(events).toEqual([]);

    // The next call tries again (no answer of the server's, a network error or a proxy's 5xx
    // page, was tried twice: once more at once).
    const tried = server.count("auth.refresh");
    const lost = failure === "network" || (typeof failure === "object" && "status" in failure);
    expect(tried).toBe(lost ? 2 : 1);
    server.refreshFailure = null;
    await expect(client.auth.me.query()).resolves.toEqual(FAKE_USER);
    expect(server.count("auth.refresh")).toBe(tried + 1);
  });

  it("a tRPC 500 keeps the server's error shape for the caller", async () => {
    const { client } = signedIn();
    advance(ACCESS_TTL + 1);
    server.refreshFailure = "internal";
    await expect(client.auth.me.query()).rejects.toMatchObject({
      data: { appCode: "INTERNAL_SERVER_ERROR", httpStatus: 500 },
    });
  });
});

describe("a call refused because the server's database is down", () => {
  it("503 DB_UNAVAILABLE: fails the call with its code, keeps the tokens, no refresh, no sign-out", async () => {
    const { client, pair, store, events } = signedIn();
    server.meFailure = "DB_UNAVAILABLE";
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await expect(client.auth.me.query()).rejects.toMatchObject({
        data: { appCode: "DB_UNAVAILABLE", httpStatus: 503 },
      });
    }
    expect(store.get()).toEqual(pair);
    expect(events).toEqual([]);
    expect(server.count("auth.refresh")).toBe(0);

    // Back: the same tokens work, nothing to do but call again.
    server.meFailure = null;
    await expect(client.auth.me.query()).resolves.toEqual(FAKE_USER);
  });
});

describe("signIn and signOut", () => {
  it("signOut revokes on the server, clears, and fires the event once", async () => {
    const { client, session, pair, store, events } = signedIn();
    await session.signOut();
    await session.signOut();
    expect(store.get()).toEqual({ access: null, refresh: null });
    expect(events).toEqual([{ reason: "SIGN_OUT", fromOtherTab: false }]);
    const [logout] = server.requests.filter((request) => request.path === "auth.logout");
    expect(logout && JSON.parse(logout.body ?? "")).toEqual({ refresh: pair.refresh });
    expect(server.count("auth.logout")).toBe(1);
    await expect(client.auth.me.query()).rejects.toMatchObject({
      data: { appCode: "MISSING_TOKEN" },
    });
  });
});

describe("a refresh whose answer is lost on the way", () => {
  it("is tried again at once, inside the server's grace window: nobody is signed out", async () => {
    const { client, store, events } = signedIn();
    advance(ACCESS_TTL + 1);
    // The server rotated the token; the client never heard. Left until the app's next call,
    // the retry could come after the window and count as reuse (the session revoked).
    server.loseRefreshAnswers = 1;
    await expect(client.auth.me.query()).resolves.toEqual(FAKE_USER);
    expect(server.count("auth.refresh")).toBe(2);
    // The pair kept is the session's current one: the next refresh, long after, is no reuse.
    advance(ACCESS_TTL + 1);
    await expect(client.auth.me.query()).resolves.toEqual(FAKE_USER);
    expect(server.count("auth.refresh")).toBe(3);
    expect(store.get().refresh).not.toBeNull();
    expect(events).toEqual([]);
  });

  it("once only: when the retry is lost too, the call fails as NETWORK_ERROR, tokens kept", async () => {
    const { client, store, events } = signedIn();
    advance(ACCESS_TTL + 1);
    const held = store.get();
    server.loseRefreshAnswers = 2;
    await expect(client.auth.me.query()).rejects.toMatchObject({
      cause: { code: "NETWORK_ERROR" },
    });
    expect(server.count("auth.refresh")).toBe(2);
    expect(store.get()).toEqual(held);
    expect(events).toEqual([]);
  });

  it("is tried again after a proxy's own 502 (its upstream dropped the answer), not a 503 of ours", async () => {
    const { client, events } = signedIn();
    advance(ACCESS_TTL + 1);
    let proxied = 0;
    const upstream = server.fetch;
    // The request reaches the server (the token rotates); the proxy answers its own page.
    server.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const answer = await upstream(input, init);
      if (String(input).endsWith("/auth.refresh") && proxied === 0) {
        proxied += 1;
        return new Response("<html>502 Bad Gateway</html>", { status: 502 });
      }
      return answer;
    }) as typeof fetch;
    await expect(client.auth.me.query()).resolves.toEqual(FAKE_USER);
    expect(server.count("auth.refresh")).toBe(2);
    expect(events).toEqual([]);

    server.fetch = upstream;
    advance(ACCESS_TTL + 1);
    server.refreshFailure = { appCode: "DB_UNAVAILABLE" };
    await expect(client.auth.me.query()).rejects.toBeInstanceOf(TRPCClientError);
    expect(server.count("auth.refresh")).toBe(3);
  });

  it("is not tried again when the server answered, even with a failure", async () => {
    const { client } = signedIn();
    advance(ACCESS_TTL + 1);
    server.refreshFailure = { appCode: "RATE_LIMITED" };
    await expect(client.auth.me.query()).rejects.toBeInstanceOf(TRPCClientError);
    expect(server.count("auth.refresh")).toBe(1);
  });

  it("on a slow network the retry waits longer than the first try, and its late answer is taken", async () => {
    // Each refresh reaches the server at once (the token rotates), its answer comes 150 ms late:
    // the first try gives up at 50 ms; the retry, honoured by the grace window, waits for it.
    const slow: FetchLike = (url, init) =>
      new Promise((resolve, reject) => {
        const answer = server.fetch(url, init);
        const timer = setTimeout(() => resolve(answer), 150);
        init.signal?.addEventListener("abort", () => {
          clearTimeout(timer);
          reject(init.signal?.reason);
        });
      });
    const refresh = bodyRefresh({
      url: server.url,
      fetch: slow,
      timeoutMs: 50,
      retryTimeoutMs: 2000,
    });
    const { client, store, events } = signedIn({ refresh });
    advance(ACCESS_TTL + 1);
    await expect(client.auth.me.query()).resolves.toEqual(FAKE_USER);
    expect(server.count("auth.refresh")).toBe(2);
    // The pair kept is the session's current one: the next refresh is no reuse.
    const kept = store.get();
    advance(ACCESS_TTL + 1);
    await expect(client.auth.me.query()).resolves.toEqual(FAKE_USER);
    expect(store.get().refresh).not.toBe(kept.refresh);
    expect(events).toEqual([]);
  });

  it("has a default timeout under half the server's default grace window (10 s)", () => {
    expect(DEFAULT_REFRESH_TIMEOUT_MS).toBeLessThanOrEqual(5_000);
  });
});

describe("processes sharing one token storage (an app and its widget)", () => {
  it("a refresh answered after the other signed in anew leaves the new session in place", async () => {
    const items = new Map<string, string>();
    const storage = {
      getItem: (key: string) => items.get(key) ?? null,
      setItem: (key: string, value: string) => void items.set(key, value),
      removeItem: (key: string) => void items.delete(key),
    };
    const widget = createTestClient(server, { store: createLocalStorageStore({ storage }) });
    const app = createTestClient(server, { store: createLocalStorageStore({ storage }) });
    app.session.signIn(server.openSession());
    advance(ACCESS_TTL + 1);

    // The widget's refresh is carried out, its answer slow to come back...
    let release = () => {};
    server.refreshGate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const widgetCall = widget.client.auth.me.query();
    await new Promise((resolve) => setTimeout(resolve, 0));
    // ...while the app changes the password and adopts the new session's pair.
    server.refreshGate = null;
    const fresh = server.openSession();
    app.session.signIn(fresh);
    release();
    await widgetCall.catch(() => {});

    // Before: the widget's late answer, about the old session, overwrote the new pair.
    expect(app.store.get()).toEqual(fresh);
    await expect(app.client.auth.me.query()).resolves.toEqual(FAKE_USER);
    expect(app.events).toEqual([]);
  });
});
