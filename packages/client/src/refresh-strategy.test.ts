// The request each strategy sends, and how every kind of answer becomes a token pair or a
// RefreshError.
import { describe, expect, it } from "vitest";
import { createDeviceMarkerStore } from "./device-marker-store";
import { type RefreshError, SIGN_OUT_CODES } from "./refresh-error";
import { bodyRefresh, cookieRefresh, type FetchLike } from "./refresh-strategy";

function memoryStorage() {
  const items = new Map<string, string>();
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  };
}

const URL_ = "http://kit.test/api/trpc/";

function answering(status: number, body: unknown) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetch: FetchLike = async (url, init) => {
    calls.push({ url, init });
    const text = typeof body === "string" ? body : JSON.stringify(body);
    return new Response(text, { status });
  };
  return { fetch, calls };
}

const trpcError = (appCode: string, httpStatus = 401) => ({
  error: { message: "no", code: -32001, data: { code: "UNAUTHORIZED", httpStatus, appCode } },
});

async function failure(promise: Promise<unknown>): Promise<RefreshError> {
  return promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (error: RefreshError) => error,
  );
}

describe("bodyRefresh", () => {
  it("POSTs the refresh token as JSON to {url}/auth.refresh", async () => {
    const { fetch, calls } = answering(200, { result: { data: { access: "a2", refresh: "r2" } } });
    const tokens = await bodyRefresh({ url: URL_, fetch }).refresh({ access: "a1", refresh: "r1" });
    expect(tokens).toEqual({ access: "a2", refresh: "r2" });
    expect(calls[0]?.url).toBe("http://kit.test/api/trpc/auth.refresh");
    expect(calls[0]?.init.method).toBe("POST");
    expect(calls[0]?.init.headers).toMatchObject({ "content-type": "application/json" });
    expect(calls[0]?.init.body).toBe(JSON.stringify({ refresh: "r1" }));
  });

  it("sends the device marker along when it has one, and nothing extra when not", async () => {
    const { fetch, calls } = answering(200, { result: { data: { access: "a2", refresh: "r2" } } });
    const devices = createDeviceMarkerStore({ storage: memoryStorage() });
    await bodyRefresh({ url: URL_, fetch, device: devices }).refresh({
      access: null,
      refresh: "r1",
    });
    expect(calls[0]?.init.body).toBe(JSON.stringify({ refresh: "r1" }));
    devices.set("device.marker.token");
    await bodyRefresh({ url: URL_, fetch, device: devices }).refresh({
      access: null,
      refresh: "r2",
    });
    expect(calls[1]?.init.body).toBe(
      JSON.stringify({ refresh: "r2", device: "device.marker.token" }),
    );
  });

  it("without a refresh token, fails as MISSING_TOKEN without a request", async () => {
    const { fetch, calls } = answering(200, {});
    const error = await failure(
      bodyRefresh({ url: URL_, fetch }).refresh({ access: "a", refresh: null }),
    );
    expect(error.code).toBe("MISSING_TOKEN");
    expect(calls).toHaveLength(0);
  });

  it.each(SIGN_OUT_CODES)("%s from the server is a sign-out", async (code) => {
    const { fetch } = answering(401, trpcError(code));
    const error = await failure(
      bodyRefresh({ url: URL_, fetch }).refresh({ access: null, refresh: "r" }),
    );
    expect(error).toMatchObject({ code, signOut: true, status: 401 });
  });

  it.each([
    ["a tRPC 500", 500, trpcError("INTERNAL_SERVER_ERROR", 500), "INTERNAL_SERVER_ERROR"],
    ["RATE_LIMITED", 429, trpcError("RATE_LIMITED", 429), "RATE_LIMITED"],
    ["a database outage", 503, trpcError("DB_UNAVAILABLE", 503), "DB_UNAVAILABLE"],
    ["an HTML 502", 502, "<html>Bad Gateway</html>", "BAD_RESPONSE"],
    ["a 200 without tokens", 200, { result: { data: { access: "a" } } }, "BAD_RESPONSE"],
    ["a 200 that is not tRPC", 200, "ok", "BAD_RESPONSE"],
    ["an error without appCode", 400, { error: { message: "x", code: -32600 } }, "BAD_RESPONSE"],
    [
      "a tRPC result under a 500",
      500,
      { result: { data: { access: "a", refresh: "r" } } },
      "BAD_RESPONSE",
    ],
  ])("%s is a passing failure", async (_, status, body, code) => {
    const { fetch } = answering(status, body);
    const error = await failure(
      bodyRefresh({ url: URL_, fetch }).refresh({ access: null, refresh: "r" }),
    );
    expect(error).toMatchObject({ code, signOut: false, status });
  });

  it("a network failure is NETWORK_ERROR, not a sign-out", async () => {
    const fetch: FetchLike = () => Promise.reject(new TypeError("fetch failed"));
    const error = await failure(
      bodyRefresh({ url: URL_, fetch }).refresh({ access: null, refresh: "r" }),
    );
    expect(error).toMatchObject({ code: "NETWORK_ERROR", signOut: false, status: null });
    expect(error.cause).toBeInstanceOf(TypeError);
  });

  it("a refresh that hangs times out as NETWORK_ERROR", async () => {
    const fetch: FetchLike = (_, init) =>
      new Promise((_, reject) =>
        init.signal?.addEventListener("abort", () => reject(init.signal?.reason)),
      );
    const error = await failure(
      bodyRefresh({ url: URL_, fetch, timeoutMs: 10 }).refresh({ access: null, refresh: "r" }),
    );
    expect(error.code).toBe("NETWORK_ERROR");
  });

  it("sends the tokens its 503s carried (refreshCandidate) with the next tries of that token", async () => {
    const replies: { status: number; body: unknown }[] = [];
    const bodies: unknown[] = [];
    const fetch: FetchLike = async (_url, init) => {
      bodies.push(JSON.parse(String(init.body)));
      const reply = replies.shift() ?? { status: 500, body: "" };
      return new Response(JSON.stringify(reply.body), { status: reply.status });
    };
    const inDoubt = (candidate: string) => {
      const body = trpcError("DB_UNAVAILABLE", 503);
      return {
        status: 503,
        body: {
          error: { ...body.error, data: { ...body.error.data, refreshCandidate: candidate } },
        },
      };
    };
    const strategy = bodyRefresh({ url: URL_, fetch });
    const held = { access: null, refresh: "r1" };
    replies.push(inDoubt("c1"), inDoubt("c2"), {
      status: 503,
      body: trpcError("DB_UNAVAILABLE", 503),
    });
    const first = await failure(strategy.refresh(held));
    expect(first.code).toBe("DB_UNAVAILABLE");
    // Out of the error: an app that logs it does not log a token.
    expect(JSON.stringify(first.response)).not.toContain("c1");
    await failure(strategy.refresh(held));
    await failure(strategy.refresh(held));
    // Another token (a new sign-in) sends none of them.
    replies.push({ status: 503, body: trpcError("DB_UNAVAILABLE", 503) });
    await failure(strategy.refresh({ access: null, refresh: "other" }));
    replies.push({ status: 200, body: { result: { data: { access: "a2", refresh: "r2" } } } });
    expect(await strategy.refresh(held)).toEqual({ access: "a2", refresh: "r2" });
    // Settled: forgotten.
    replies.push({ status: 200, body: { result: { data: { access: "a3", refresh: "r3" } } } });
    await strategy.refresh(held);
    expect(bodies).toEqual([
      { refresh: "r1" },
      { refresh: "r1", candidates: ["c1"] },
      { refresh: "r1", candidates: ["c1", "c2"] },
      { refresh: "other" },
      { refresh: "r1", candidates: ["c1", "c2"] },
      { refresh: "r1" },
    ]);
  });

  it("keeps the newest candidates only, and forgets them when the session is over", async () => {
    let next = 0;
    const bodies: { candidates?: string[] }[] = [];
    let over = false;
    const fetch: FetchLike = async (_url, init) => {
      bodies.push(JSON.parse(String(init.body)));
      next += 1;
      const body = over ? trpcError("TOKEN_REUSED") : trpcError("DB_UNAVAILABLE", 503);
      if (!over) Object.assign(body.error.data, { refreshCandidate: `c${next}` });
      return new Response(JSON.stringify(body), { status: over ? 401 : 503 });
    };
    const strategy = bodyRefresh({ url: URL_, fetch });
    const held = { access: null, refresh: "r1" };
    for (let i = 0; i < 6; i += 1) await failure(strategy.refresh(held));
    expect(bodies[5]?.candidates).toEqual(["c2", "c3", "c4", "c5"]);
    over = true;
    expect((await failure(strategy.refresh(held))).code).toBe("TOKEN_REUSED");
    await failure(strategy.refresh(held));
    expect(bodies[7]?.candidates).toBeUndefined();
  });

  it("revoke POSTs the refresh token to auth.logout", async () => {
    const { fetch, calls } = answering(200, { result: { data: { ok: true } } });
    await bodyRefresh({ url: URL_, fetch }).revoke({ access: "a", refresh: "r" });
    expect(calls[0]?.url).toBe("http://kit.test/api/trpc/auth.logout");
    expect(calls[0]?.init.body).toBe(JSON.stringify({ refresh: "r" }));
  });
});

describe("cookieRefresh", () => {
  it("POSTs {} with x-auth-refresh: cookie and same-origin credentials", async () => {
    const { fetch, calls } = answering(200, { result: { data: { access: "a2", refresh: null } } });
    const tokens = await cookieRefresh({ url: URL_, fetch }).refresh({
      access: "a1",
      refresh: null,
    });
    expect(tokens).toEqual({ access: "a2", refresh: null });
    expect(calls[0]?.init).toMatchObject({
      method: "POST",
      body: "{}",
      credentials: "same-origin",
      headers: { "content-type": "application/json", "x-auth-refresh": "cookie" },
    });
  });

  it("never keeps a refresh token the server returns by mistake", async () => {
    const { fetch } = answering(200, { result: { data: { access: "a2", refresh: "oops" } } });
    const tokens = await cookieRefresh({ url: URL_, fetch }).refresh({
      access: null,
      refresh: null,
    });
    expect(tokens.refresh).toBeNull();
  });
});
