// Streamed answers (tRPC's httpBatchStreamLink) over real HTTP, with tRPC's own client: in cookie
// mode a procedure that sets cookies is refused before anything runs, so no refresh token is ever
// handed out where the browser cannot receive it; everything else streams as tRPC streams it.
import { createTRPCClient, httpBatchLink, httpBatchStreamLink, splitLink } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInProcessServer } from "../../test/in-process-server";
import { bearer, startTestServer, type TestServer, uniqueEmail } from "../../test/test-server";
import { type KitRouter, kitRouters } from "../root";
import { publicProcedure, router } from "../trpc";
import { readAppCode, setsCookies, TRPC_ENDPOINT } from "../wire";

const PASSWORD = "correct horse battery";

let api: TestServer;
beforeAll(async () => {
  api = await startTestServer();
});
afterAll(async () => {
  await api?.close();
});

/** The headers a page of the server's own origin sends in cookie mode. */
const cookieMode = (api: TestServer, cookie?: string) => ({
  "x-auth-refresh": "cookie",
  origin: api.base,
  ...(cookie ? { cookie } : {}),
});

function streamingClient(api: TestServer, headers: Record<string, string>) {
  return createTRPCClient<KitRouter>({
    links: [httpBatchStreamLink({ url: `${api.base}${TRPC_ENDPOINT}`, headers })],
  });
}

/** Registers in cookie mode over plain HTTP; returns the user and the refresh cookie's token. */
async function signUp(api: TestServer) {
  const reply = await api.post(
    "auth.register",
    { email: uniqueEmail("stream"), password: PASSWORD },
    cookieMode(api),
  );
  expect(reply.status).toBe(200);
  const cookie = reply.headers
    .getSetCookie()
    .find((line) => line.startsWith("kit_refresh="))
    ?.split(";")[0];
  if (!cookie) throw new Error("no refresh cookie");
  const data = reply.body.result.data as { user: { id: string; email: string }; access: string };
  return { ...data, cookie };
}

async function appCodeOf(call: Promise<unknown>): Promise<string | null> {
  try {
    await call;
  } catch (error) {
    return readAppCode(error);
  }
  throw new Error("the call succeeded");
}

describe("streamed answers in cookie mode", () => {
  it("refuses a streamed refresh before it rotates: the cookie's token still refreshes after", async () => {
    const { cookie } = await signUp(api);
    const client = streamingClient(api, cookieMode(api, cookie));
    expect(await appCodeOf(client.auth.refresh.mutate({}))).toBe("COOKIE_NOT_STREAMABLE");
    // Had it rotated, this token would now be a rotated-out one.
    const again = await api.post("auth.refresh", {}, cookieMode(api, cookie));
    expect(again.status).toBe(200);
  });

  it("refuses a streamed login before it runs: no session, no cookie, a 400 in the stream", async () => {
    const { user } = await signUp(api);
    const client = streamingClient(api, cookieMode(api));
    const login = client.auth.login.mutate({ email: user.email, password: PASSWORD });
    expect(await appCodeOf(login)).toBe("COOKIE_NOT_STREAMABLE");
    expect(await api.db.session.count({ where: { userId: user.id } })).toBe(1);

    // What went over the wire: a stream whose one call failed, with no cookie in its head.
    const reply = await api.raw(`${TRPC_ENDPOINT}/auth.login?batch=1`, {
      method: "POST",
      headers: {
        ...cookieMode(api),
        "content-type": "application/json",
        "trpc-accept": "application/jsonl",
      },
      body: JSON.stringify({ 0: { email: user.email, password: PASSWORD } }),
    });
    expect(reply.headers.getSetCookie()).toEqual([]);
    expect(reply.headers.get("content-type")).toBe("application/json");
    const lastLine = String(reply.body).trim().split("\n").at(-1) ?? "";
    const error = JSON.parse(lastLine)[2][0][0].error;
    expect(error.message).toBe(
      "auth.login sets a cookie, which a streamed answer cannot carry: call it through httpLink or httpBatchLink.",
    );
    expect(error.data).toMatchObject({ httpStatus: 400, appCode: "COOKIE_NOT_STREAMABLE" });
  });

  it("refuses it too when only `Accept` asks for the stream, which tRPC streams as well", async () => {
    const { user } = await signUp(api);
    const reply = await api.raw(`${TRPC_ENDPOINT}/auth.login?batch=1`, {
      method: "POST",
      headers: {
        ...cookieMode(api),
        "content-type": "application/json",
        accept: "application/jsonl",
      },
      body: JSON.stringify({ 0: { email: user.email, password: PASSWORD } }),
    });
    expect(reply.headers.getSetCookie()).toEqual([]);
    expect(String(reply.body)).toContain('"appCode":"COOKIE_NOT_STREAMABLE"');
    expect(await api.db.session.count({ where: { userId: user.id } })).toBe(1);
  });

  it("works with the README's splitLink: cookie procedures unstreamed, the rest streamed", async () => {
    const { user } = await signUp(api);
    const url = `${api.base}${TRPC_ENDPOINT}`;
    let access = "";
    const headers = () => ({ ...cookieMode(api), ...(access ? bearer(access) : {}) });
    const client = createTRPCClient<KitRouter>({
      links: [
        splitLink({
          condition: (op) => setsCookies(op.path),
          true: httpBatchLink({ url, headers }),
          false: httpBatchStreamLink({ url, headers }),
        }),
      ],
    });
    const signedIn = await client.auth.login.mutate({ email: user.email, password: PASSWORD });
    expect(signedIn.refresh).toBeNull();
    access = signedIn.access;
    const [me, sessions] = await Promise.all([
      client.auth.me.query(),
      client.account.sessions.query(),
    ]);
    expect(me.email).toBe(user.email);
    expect(sessions).toHaveLength(2);
  });

  it("streams the cookie procedures too outside cookie mode: their tokens travel in the body", async () => {
    const { user } = await signUp(api);
    const login = await streamingClient(api, {}).auth.login.mutate({
      email: user.email,
      password: PASSWORD,
    });
    expect(login.refresh).toEqual(expect.any(String));
  });
});

describe("an app's own procedure that sets a header, streamed", () => {
  const setCookie = publicProcedure.mutation(({ ctx }) => {
    ctx.responseHeaders.append("set-cookie", "app=1; Path=/");
    return 1;
  });
  const appRouter = router({
    ...kitRouters,
    app: router({
      marked: publicProcedure.meta({ setsCookies: true }).mutation(() => 1),
      setCookie,
    }),
  });
  type AppRouter = typeof appRouter;

  it("is refused in cookie mode when marked setsCookies, and fails loudly when not marked", async () => {
    const server = await startInProcessServer({ router: appRouter });
    try {
      const url = `${server.base}${TRPC_ENDPOINT}`;
      const client = createTRPCClient<AppRouter>({
        links: [httpBatchStreamLink({ url, headers: cookieMode(server) })],
      });
      expect(await appCodeOf(client.app.marked.mutate())).toBe("COOKIE_NOT_STREAMABLE");
      // Unmarked, the header would be lost: the call fails instead, the header named in the log.
      expect(await appCodeOf(client.app.setCookie.mutate())).toBe("INTERNAL_SERVER_ERROR");
      expect(server.output()).toContain(
        'response header \\"set-cookie\\" set during a streamed answer',
      );
      // Not streamed, the same procedure delivers its cookie.
      const reply = await server.post("app.setCookie", undefined, cookieMode(server));
      expect(reply.headers.getSetCookie()).toEqual(["app=1; Path=/"]);
    } finally {
      await server.close();
    }
  });
});
