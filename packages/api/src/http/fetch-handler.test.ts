// The Fetch adapter (what the Next.js route uses), called directly: cookies reach its Response.
import { createPrismaClient } from "@kit/db";
import { parseSetCookie } from "cookie";
import { afterAll, describe, expect, inject, it } from "vitest";
import { buildTestDeps } from "../../test/in-process-server";
import { uniqueEmail } from "../../test/test-server";
import { createFetchHandler } from "./fetch-handler";

const prisma = createPrismaClient(inject("databaseUrl"));
const deps = buildTestDeps(prisma);
const handler = createFetchHandler({ deps: async () => deps });

afterAll(async () => {
  await deps.limiter.close();
  await prisma.$disconnect();
});

function post(origin: string, path: string, input: unknown, headers: Record<string, string> = {}) {
  return handler(
    new Request(`${origin}/api/trpc/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(input),
    }),
  );
}

// biome-ignore lint/suspicious/noExplicitAny: wire JSON, asserted field by field
const json = (response: Response): Promise<any> => response.json();

const refreshCookieOf = (response: Response) =>
  response.headers
    .getSetCookie()
    .map((line) => parseSetCookie(line))
    .find((cookie) => cookie.name === "kit_refresh" || cookie.name === "__Host-kit_refresh");

describe("createFetchHandler in cookie mode", () => {
  it("puts Set-Cookie on the Response, reads the cookie back, and clears it on logout", async () => {
    const origin = "http://localhost:3000";
    const mode = { "x-auth-refresh": "cookie" };
    const registered = await post(
      origin,
      "auth.register",
      { email: uniqueEmail("fetch"), password: "long enough password" },
      { ...mode, origin },
    );
    expect(registered.status).toBe(200);
    expect((await json(registered)).result.data.refresh).toBeNull();
    const first = refreshCookieOf(registered);
    expect(first).toMatchObject({ path: "/", httpOnly: true, sameSite: "lax" });
    expect(first?.secure).toBeFalsy();

    const cookie = { ...mode, origin, cookie: `kit_refresh=${first?.value}` };
    const refreshed = await post(origin, "auth.refresh", {}, cookie);
    expect(refreshed.status).toBe(200);
    const next = refreshCookieOf(refreshed);
    expect(next?.value).toBeTruthy();
    expect(next?.value).not.toBe(first?.value);

    const foreign = await post(origin, "auth.refresh", {}, { ...cookie, origin: "http://evil" });
    expect(foreign.status).toBe(403);
    expect((await json(foreign)).error.data.appCode).toBe("CSRF_REJECTED");

    const out = await post(
      origin,
      "auth.logout",
      {},
      { ...cookie, cookie: `kit_refresh=${next?.value}` },
    );
    expect((await json(out)).result.data).toEqual({ ok: true });
    expect(refreshCookieOf(out)?.maxAge).toBe(0);
  });

  it("compares Origin with the Host the browser used, not the URL Next.js builds", async () => {
    const registered = await post(
      "http://localhost:3000",
      "auth.register",
      { email: uniqueEmail("fetch-host"), password: "long enough password" },
      { "x-auth-refresh": "cookie", host: "127.0.0.1:3000", origin: "http://127.0.0.1:3000" },
    );
    const token = refreshCookieOf(registered)?.value;
    const refreshed = await post(
      "http://localhost:3000",
      "auth.refresh",
      {},
      {
        "x-auth-refresh": "cookie",
        host: "127.0.0.1:3000",
        origin: "http://127.0.0.1:3000",
        cookie: `kit_refresh=${token}`,
      },
    );
    expect(refreshed.status).toBe(200);
  });

  it("marks the cookie Secure for an https request URL", async () => {
    const response = await post(
      "https://app.example.com",
      "auth.register",
      { email: uniqueEmail("fetch-https"), password: "long enough password" },
      { "x-auth-refresh": "cookie", origin: "https://app.example.com" },
    );
    expect(response.status).toBe(200);
    expect(refreshCookieOf(response)?.secure).toBe(true);
  });

  // Next.js writes the client's own X-Forwarded-Proto into request.url: the server in front of
  // it says what the connection really was, and that wins.
  it("takes the scheme from the connection, not from the URL, when the server gives one", async () => {
    const behindServer = createFetchHandler({
      deps: async () => deps,
      connection: () => ({ remoteAddress: "127.0.0.1", encrypted: false }),
    });
    const response = await behindServer(
      new Request("https://app.example.com/api/trpc/auth.register", {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-auth-refresh": "cookie",
          // The request's own origin, as the connection tells it: plain HTTP.
          origin: "http://app.example.com",
        },
        body: JSON.stringify({
          email: uniqueEmail("fetch-plain"),
          password: "long enough password",
        }),
      }),
    );
    expect(response.status).toBe(200);
    const cookie = refreshCookieOf(response);
    expect(cookie?.value).toBeTruthy();
    expect(cookie?.secure ?? false).toBe(false);
  });
});
