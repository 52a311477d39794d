// A fake of the kit's HTTP API for tests: real tRPC on the server side (so the wire format is
// tRPC's own), unsigned JWT-shaped tokens, a settable clock, and a count of every call.
import { TRPC_ENDPOINT as ENDPOINT } from "@kit/api/wire";
import { initTRPC, TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import type { TokenSnapshot } from "../token-store";

export const FAKE_USER = { id: "u-1", email: "demo@example.com", name: "Demo User" };
export const FAKE_PASSWORD = "demo-password";

function base64Url(text: string): string {
  return Buffer.from(text).toString("base64url");
}

/** An unsigned JWT-shaped token: the client never verifies, so this is all it needs. */
export function fakeJwt(payload: Record<string, unknown>): string {
  return `${base64Url(JSON.stringify({ alg: "none", typ: "JWT" }))}.${base64Url(JSON.stringify(payload))}.fake`;
}

function claimsOf(token: string): Record<string, unknown> | null {
  const payload = token.split(".")[1];
  if (!payload) return null;
  try {
    return JSON.parse(Buffer.from(payload, "base64url").toString()) as Record<string, unknown>;
  } catch {
    return null;
  }
}

class FakeAppError extends Error {
  constructor(readonly appCode: string) {
    super(appCode);
  }
}

// The HTTP status each code travels with on the real server; the rest are 401.
const TRPC_CODE_OF: Record<string, TRPCError["code"]> = {
  MISSING_TOKEN: "BAD_REQUEST",
  CSRF_REJECTED: "FORBIDDEN",
  RATE_LIMITED: "TOO_MANY_REQUESTS",
  SERVER_BUSY: "SERVICE_UNAVAILABLE",
  DB_UNAVAILABLE: "SERVICE_UNAVAILABLE",
};

function fail(appCode: string): never {
  const code = TRPC_CODE_OF[appCode] ?? "UNAUTHORIZED";
  throw new TRPCError({ code, message: `Failed: ${appCode}.`, cause: new FakeAppError(appCode) });
}

export type RefreshFailure =
  | { appCode: string }
  | { status: number; text: string }
  | "network"
  | "internal";

export interface RecordedRequest {
  path: string;
  method: string;
  headers: Headers;
  body: string | null;
  credentials: RequestCredentials | undefined;
}

interface Session {
  refreshJti: string;
  previous: { jti: string; at: number } | null;
  pair: TokenSnapshot;
  revoked: boolean;
}

interface Ctx {
  req: Request;
  cookie: string | null;
}

export interface FakeServerOptions {
  accessTtlSeconds?: number;
  refreshTtlSeconds?: number;
}

export function createFakeServer(options: FakeServerOptions = {}) {
  const accessTtl = options.accessTtlSeconds ?? 1800;
  const refreshTtl = options.refreshTtlSeconds ?? 7 * 86_400;
  const sessions = new Map<string, Session>();
  const cookieOf = new WeakMap<Request, string | null>();
  const logoutFailureOf = new WeakMap<Request, RefreshFailure>();
  let counter = 0;

  const server = {
    url: `http://kit.test${ENDPOINT}`,
    /** The server's clock, in ms; tests move it and usually hand it to the client too. */
    now: Date.UTC(2026, 0, 1, 12),
    calls: new Map<string, number>(),
    requests: [] as RecordedRequest[],
    refreshFailure: null as RefreshFailure | null,
    /** Each auth.logout request takes the first of these and fails with it; empty: it works. */
    logoutFailures: [] as RefreshFailure[],
    /** Access tokens the server calls expired whatever their `exp` (a client clock behind). */
    expiredAccess: new Set<string>(),
    /** Every access token is called expired: a retry can never succeed. */
    expireEveryAccess: false,
    /** Every auth.me fails with this appCode (its status as on the real server); null: it works. */
    meFailure: null as string | null,
    /** Hold refreshes until this resolves. */
    refreshGate: null as Promise<void> | null,
    /**
     * This many auth.refresh requests are carried out (the token rotates) and their answers then
     * lost on the way back, as a dropped mobile connection loses them.
     */
    loseRefreshAnswers: 0,
    /** The refresh cookie, as a browser's cookie jar would hold it. */
    cookie: null as string | null,
    count: (path: string) => server.calls.get(path) ?? 0,
    /** Opens a session as login would; with `cookie`, the refresh token goes to the jar. */
    openSession({ cookie = false } = {}): { access: string; refresh: string | null } {
      const sid = `s-${++counter}`;
      const pair = issue(sid);
      sessions.set(sid, { refreshJti: jtiOf(pair.refresh), previous: null, pair, revoked: false });
      if (cookie) server.cookie = pair.refresh;
      return cookie ? { access: pair.access, refresh: null } : pair;
    },
    /** Stands in for `fetch`: every request goes to the router in process. */
    fetch: fakeFetch as typeof fetch,
  };

  function jtiOf(token: string | null): string {
    return String(claimsOf(token ?? "")?.jti);
  }

  function issue(sid: string): { access: string; refresh: string } {
    const iat = Math.floor(server.now / 1000);
    const base = { sub: FAKE_USER.id, sid, iat };
    return {
      access: fakeJwt({ ...base, jti: `a-${++counter}`, exp: iat + accessTtl, type: "access" }),
      refresh: fakeJwt({ ...base, jti: `r-${++counter}`, exp: iat + refreshTtl, type: "refresh" }),
    };
  }

  function verify(token: string, type: "access" | "refresh") {
    const claims = claimsOf(token);
    if (!claims || typeof claims.exp !== "number" || typeof claims.sid !== "string") {
      fail("INVALID_TOKEN");
    }
    if (server.now / 1000 >= claims.exp) fail("TOKEN_EXPIRED");
    if (claims.type !== type) fail("WRONG_TOKEN_TYPE");
    const session = sessions.get(claims.sid);
    if (!session || session.revoked) fail("TOKEN_REVOKED");
    return { session, sid: claims.sid, jti: String(claims.jti) };
  }

  function rotate(token: string): TokenSnapshot {
    const { session, sid, jti } = verify(token, "refresh");
    if (jti !== session.refreshJti) {
      // The reuse grace window: a just-rotated token gets the current pair back.
      if (session.previous?.jti === jti && server.now - session.previous.at <= 10_000) {
        return session.pair;
      }
      session.revoked = true;
      fail("TOKEN_REUSED");
    }
    const pair = issue(sid);
    session.previous = { jti, at: server.now };
    session.refreshJti = jtiOf(pair.refresh);
    session.pair = pair;
    return pair;
  }

  const t = initTRPC.context<Ctx>().create({
    errorFormatter: ({ shape, error }) => ({
      ...shape,
      data: {
        ...shape.data,
        appCode: error.cause instanceof FakeAppError ? error.cause.appCode : error.code,
      },
    }),
  });
  const refreshInput = (value: unknown) => value as { refresh?: string | null } | undefined;
  const cookieMode = (ctx: Ctx) => ctx.req.headers.get("x-auth-refresh") === "cookie";

  const router = t.router({
    auth: t.router({
      login: t.procedure
        .input((value) => value as { email: string; password: string })
        .mutation(({ input }) => {
          if (input.email !== FAKE_USER.email || input.password !== FAKE_PASSWORD) {
            fail("INVALID_CREDENTIALS");
          }
          return { user: FAKE_USER, ...server.openSession() };
        }),
      refresh: t.procedure.input(refreshInput).mutation(async ({ ctx, input }) => {
        if (server.refreshGate) await server.refreshGate;
        const failure = server.refreshFailure;
        if (failure === "internal") throw new Error("database is down");
        if (typeof failure === "object" && failure && "appCode" in failure) fail(failure.appCode);
        if (cookieMode(ctx)) {
          if (!ctx.cookie) fail("MISSING_TOKEN");
          const pair = rotate(ctx.cookie);
          server.cookie = pair.refresh;
          return { access: pair.access, refresh: null };
        }
        if (!input?.refresh) fail("MISSING_TOKEN");
        return rotate(input.refresh);
      }),
      logout: t.procedure.input(refreshInput).mutation(({ ctx, input }) => {
        const failure = logoutFailureOf.get(ctx.req) ?? null;
        if (failure === "internal") throw new Error("database is down");
        if (typeof failure === "object" && failure && "appCode" in failure) fail(failure.appCode);
        const token = cookieMode(ctx) ? ctx.cookie : input?.refresh;
        if (!token) fail("MISSING_TOKEN");
        verify(token, "refresh").session.revoked = true;
        if (cookieMode(ctx)) server.cookie = null;
        return { ok: true as const };
      }),
      me: t.procedure.query(({ ctx }) => {
        const header = ctx.req.headers.get("authorization");
        if (server.meFailure) fail(server.meFailure);
        if (!header?.startsWith("Bearer ")) fail("MISSING_TOKEN");
        const token = header.slice("Bearer ".length);
        if (server.expireEveryAccess || server.expiredAccess.has(token)) fail("TOKEN_EXPIRED");
        verify(token, "access");
        return FAKE_USER;
      }),
    }),
  });

  async function fakeFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const url = new URL(input instanceof Request ? input.url : input.toString());
    const path = url.pathname.slice(ENDPOINT.length + 1);
    const headers = new Headers(init?.headers);
    const body = typeof init?.body === "string" ? init.body : null;
    const method = init?.method ?? "GET";
    server.requests.push({ path, method, headers, body, credentials: init?.credentials });
    for (const name of path.split(",")) server.calls.set(name, server.count(name) + 1);

    const failure =
      path === "auth.refresh"
        ? server.refreshFailure
        : path === "auth.logout"
          ? (server.logoutFailures.shift() ?? null)
          : null;
    if (failure === "network") throw new TypeError("fetch failed");
    if (typeof failure === "object" && failure && "status" in failure) {
      return new Response(failure.text, { status: failure.status });
    }
    const req = new Request(url, { method, headers, body });
    // Stricter than a browser (whose default is same-origin): the cookie goes only with an
    // explicit same-origin or include, so a test sees whether the client asked for it.
    const sendsCookies = init?.credentials === "same-origin" || init?.credentials === "include";
    cookieOf.set(req, sendsCookies ? server.cookie : null);
    if (path === "auth.logout" && failure) logoutFailureOf.set(req, failure);
    const answer = await fetchRequestHandler({
      endpoint: ENDPOINT,
      req,
      router,
      createContext: ({ req }) => ({ req, cookie: cookieOf.get(req) ?? null }),
    });
    if (path === "auth.refresh" && server.loseRefreshAnswers > 0) {
      server.loseRefreshAnswers -= 1;
      throw new TypeError("fetch failed: the connection dropped before the answer came");
    }
    return answer;
  }

  return server;
}

export type FakeServer = ReturnType<typeof createFakeServer>;
