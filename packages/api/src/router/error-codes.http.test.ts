// The README's table of error codes, walked row by row on the server under test: each documented
// failure is provoked and must answer its documented status and appCode (never a 500), and a
// code the README lists without a way to provoke it here fails too.
import { readFileSync } from "node:fs";
import path from "node:path";
import { findWorkspaceRoot, migrate } from "@kit/db";
import { freePort, startRestartablePostgres } from "@kit/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  bearer,
  type Reply,
  serversPerTest,
  startTestServer,
  type TestServer,
  uniqueEmail,
} from "../../test/test-server";

const PASSWORD = "correct horse battery";

interface Row {
  appCode: string;
  status: number;
}

/** The rows of the README's "Error codes" table. */
function documentedRows(): Row[] {
  const readme = readFileSync(path.join(findWorkspaceRoot(), "README.md"), "utf8");
  const section = readme.split("### Error codes")[1]?.split("\n### ")[0] ?? "";
  const rows = [...section.matchAll(/^\|\s*`([A-Z_]+)`\s*\|\s*(\d{3})\s*\|/gm)];
  return rows.map(([, appCode, status]) => ({ appCode: appCode ?? "", status: Number(status) }));
}

let api: TestServer;
const serverWith = serversPerTest();
beforeAll(async () => {
  api = await startTestServer();
});
afterAll(async () => {
  await api?.close();
});

async function signUp(server: TestServer = api) {
  const reply = await server.post("auth.register", { email: uniqueEmail(), password: PASSWORD });
  expect(reply.status).toBe(200);
  return reply.body.result.data as { user: { id: string }; access: string; refresh: string };
}

/** An account made admin with SQL, as an operator would (`pnpm auth set-role` does the same). */
async function signUpAdmin() {
  const pair = await signUp();
  await api.db.$executeRaw`UPDATE users SET role = 'admin' WHERE id = ${pair.user.id}::uuid`;
  return pair;
}

const NOBODY = "00000000-0000-4000-8000-000000000000";
const json = { "content-type": "application/json" };

/** One way to meet each documented failure, by "APPCODE status". */
const provoke: Record<string, () => Promise<Reply>> = {
  "GUESSABLE_PASSWORD 400": () =>
    api.post("auth.register", { email: uniqueEmail(), password: "password123" }),
  "VALIDATION 400": () => api.post("auth.register", { email: "not-an-email", password: PASSWORD }),
  "WEAK_PASSWORD 400": () => api.post("auth.register", { email: uniqueEmail(), password: "short" }),
  "PASSWORD_UNCHANGED 400": async () => {
    const { access } = await signUp();
    return api.post(
      "account.changePassword",
      { currentPassword: PASSWORD, newPassword: PASSWORD },
      bearer(access),
    );
  },
  "MISSING_TOKEN 400": () => api.post("auth.refresh", { refresh: "" }),
  "PARSE_ERROR 400": () =>
    api.raw("/api/trpc/auth.login", { method: "POST", headers: json, body: "{oops" }),
  "BAD_REQUEST 400": () => {
    const calls = Array.from({ length: 11 }, () => "auth.me").join(",");
    return api.raw(`/api/trpc/${calls}?batch=1`);
  },
  "MISSING_TOKEN 401": () => api.get("auth.me"),
  "INVALID_TOKEN 401": () => api.get("auth.me", undefined, bearer("abc.def.ghi")),
  "TOKEN_EXPIRED 401": async () => {
    const short = await serverWith({ accessTtl: 1 });
    const { access } = await signUp(short);
    await short.elapse(3);
    return short.get("auth.me", undefined, bearer(access));
  },
  "WRONG_TOKEN_TYPE 401": async () => {
    const { refresh } = await signUp();
    return api.get("auth.me", undefined, bearer(refresh));
  },
  "USER_NOT_FOUND 401": async () => {
    const { user, access } = await signUp();
    await api.db.user.update({ where: { id: user.id }, data: { isActive: false } });
    return api.get("auth.me", undefined, bearer(access));
  },
  "TOKEN_REVOKED 401": async () => {
    const { access, refresh } = await signUp();
    await api.post("auth.logout", { refresh });
    return api.get("auth.me", undefined, bearer(access));
  },
  "TOKEN_REUSED 401": async () => {
    // Without a grace window any replay of a rotated-out token is reuse, at once.
    const strict = await serverWith({ refreshReuseGrace: 0 });
    const { refresh } = await signUp(strict);
    expect((await strict.post("auth.refresh", { refresh })).status).toBe(200);
    return strict.post("auth.refresh", { refresh });
  },
  "INVALID_CREDENTIALS 401": () =>
    api.post("auth.login", { email: uniqueEmail("nobody"), password: PASSWORD }),
  "CSRF_REJECTED 403": () =>
    api.post(
      "auth.refresh",
      {},
      { "x-auth-refresh": "cookie", origin: "https://evil.example", cookie: "kit_refresh=x" },
    ),
  "SESSION_NOT_FOUND 404": async () => {
    const { access } = await signUp();
    return api.post(
      "account.revokeSession",
      { id: "00000000-0000-4000-8000-000000000000" },
      bearer(access),
    );
  },
  "ADMIN_REQUIRED 403": async () => {
    const { access } = await signUp();
    return api.get("admin.users", undefined, bearer(access));
  },
  "ACCOUNT_NOT_FOUND 404": async () => {
    const { access } = await signUpAdmin();
    return api.get("admin.sessions", { userId: NOBODY }, bearer(access));
  },
  "SELF_DEACTIVATION 409": async () => {
    const { user, access } = await signUpAdmin();
    return api.post("admin.deactivateUser", { userId: user.id }, bearer(access));
  },
  "NOT_FOUND 404": () => api.post("auth.nothing", {}),
  "METHOD_NOT_SUPPORTED 405": () => api.raw("/api/trpc/auth.login"),
  "EMAIL_TAKEN 409": async () => {
    const email = uniqueEmail();
    await api.post("auth.register", { email, password: PASSWORD });
    return api.post("auth.register", { email: email.toUpperCase(), password: PASSWORD });
  },
  "PAYLOAD_TOO_LARGE 413": () =>
    api.post("auth.login", { email: uniqueEmail(), password: "p".repeat(64 * 1024) }),
  "UNSUPPORTED_MEDIA_TYPE 415": async () => {
    const reply = await api.raw("/api/trpc/auth.login", {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: JSON.stringify({ email: uniqueEmail(), password: PASSWORD }),
    });
    // tRPC's own text left the quote open.
    expect(reply.body?.error?.message).toBe('Unsupported content-type "text/plain"');
    return reply;
  },
  "RATE_LIMITED 429": async () => {
    const limited = await serverWith({ rateLimits: { registerPerClient: 1 } });
    await signUp(limited);
    const reply = await limited.post("auth.register", { email: uniqueEmail(), password: PASSWORD });
    expect(Number(reply.headers.get("retry-after"))).toBeGreaterThan(0);
    return reply;
  },
  "SERVER_BUSY 503": async () => {
    // One hash at a time and none waiting: of logins sent at once, those that find the slot
    // taken are turned away (server-busy.test.ts holds the slot itself, in process).
    const busy = await serverWith({
      hashConcurrency: 1,
      hashQueue: 0,
      rateLimits: { loginBurstFailures: 10_000 },
    });
    const email = uniqueEmail();
    await busy.post("auth.register", { email, password: PASSWORD });
    const replies = await Promise.all(
      Array.from({ length: 40 }, () => busy.post("auth.login", { email, password: PASSWORD })),
    );
    expect(replies.every((reply) => reply.status === 200 || reply.status === 503)).toBe(true);
    const reply = replies.find((candidate) => candidate.status === 503);
    if (!reply) throw new Error("40 logins at once all found the one hashing slot free");
    expect(reply.headers.get("retry-after")).toBe("1");
    return reply;
  },
  "DB_UNAVAILABLE 503": async () => {
    // A PostgreSQL of its own, stopped under the running server (database-outage.test.ts
    // tries every kind of call, and the recovery).
    const postgres = await startRestartablePostgres();
    try {
      await migrate(postgres.url, {});
      const orphaned = await serverWith({ databaseOf: { databaseUrl: postgres.url } });
      await postgres.stop();
      const reply = await orphaned.post("auth.login", { email: uniqueEmail(), password: PASSWORD });
      expect(reply.headers.get("retry-after")).toBe("5");
      return reply;
    } finally {
      await postgres.dispose();
    }
  },
  "LIMITER_UNAVAILABLE 503": async () => {
    // A Redis store nobody listens for: sign-ins are counted in memory meanwhile, but clearing
    // an account's counts needs the store itself.
    const down = await serverWith({ redisUrl: `redis://127.0.0.1:${await freePort()}` });
    const admin = await signUp(down);
    await down.db.$executeRaw`UPDATE users SET role = 'admin' WHERE id = ${admin.user.id}::uuid`;
    const reply = await down.post(
      "admin.unlockUser",
      { userId: admin.user.id },
      bearer(admin.access),
    );
    expect(reply.headers.get("retry-after")).toBe("5");
    return reply;
  },
  "INTERNAL_SERVER_ERROR 500": async () => {
    // A database of its own, broken on purpose (see unexpected-error.http.test.ts for the log).
    const broken = await serverWith({ ownDatabase: true });
    await broken.db.$executeRawUnsafe('ALTER TABLE "users" RENAME TO "users_gone"');
    return broken.post("auth.login", { email: uniqueEmail(), password: PASSWORD });
  },
};

const rows = documentedRows();

describe("the README's error codes", () => {
  it("lists codes, and each of them has a way to be provoked here", () => {
    expect(rows.length).toBeGreaterThan(15);
    expect(rows.map(({ appCode, status }) => `${appCode} ${status}`).sort()).toEqual(
      Object.keys(provoke).sort(),
    );
  });

  it.each(rows)("$appCode answers $status", async ({ appCode, status }) => {
    const run = provoke[`${appCode} ${status}`];
    if (!run) throw new Error(`no way to provoke ${appCode} ${status}`);
    const reply = await run();
    expect({ status: reply.status, appCode: reply.body?.error?.data?.appCode }).toEqual({
      status,
      appCode,
    });
    expect(reply.body.error.data.httpStatus).toBe(status);
    expect(reply.body.error.data.stack).toBeUndefined();
    // "Every response": the transport's own refusals (415, a batch too large) included.
    expect(reply.headers.get("content-type")).toMatch(/^application\/json/);
    expect(reply.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    // RFC 9110 §15.5.2: every 401 names how to authenticate, and RFC 6750 §3 what was wrong.
    expect(reply.headers.get("www-authenticate")).toBe(challengeOf(appCode, status));
  });
});

/** The `WWW-Authenticate` the README's contract gives an answer, null for none. */
function challengeOf(appCode: string, status: number): string | null {
  if (status !== 401) return null;
  return appCode === "MISSING_TOKEN" || appCode === "INVALID_CREDENTIALS"
    ? "Bearer"
    : 'Bearer error="invalid_token"';
}
