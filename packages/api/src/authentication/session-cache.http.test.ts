// Two servers on one database, each with its session cache: a session ended through one, or by
// an operator's SQL, is refused by the other as soon as the notification arrives, and also when
// the other's listening connection was cut (it reads the database until it LISTENs again).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InProcessServer } from "../../test/in-process-server";
import {
  bearer,
  type Reply,
  startTestServer,
  type TestServer,
  uniqueEmail,
} from "../../test/test-server";

const PASSWORD = "correct horse battery";
// Generous: a notification normally arrives in milliseconds, a cut listener LISTENs again within
// its backoff (up to 5 s), but CI is a loaded 2-core machine. Each wait ends as soon as what it
// waits for happens, so this costs nothing when it does. Nothing here asserts a timing.
const GIVE_UP_MS = 30_000;

let a: TestServer;
let b: TestServer;
beforeAll(async () => {
  // No grace for a replayed refresh token: a replay is reuse at once (the reuse case below).
  a = await startTestServer({ refreshReuseGrace: 0 });
  b = await startTestServer({ databaseOf: a });
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

type Pair = { access: string; refresh: string; user: { id: string; email: string } };

async function signUp(): Promise<Pair> {
  const reply = await a.post("auth.register", { email: uniqueEmail("cache"), password: PASSWORD });
  expect(reply.status).toBe(200);
  return reply.body.result.data;
}

async function signIn(email: string): Promise<Pair> {
  const reply = await a.post("auth.login", { email, password: PASSWORD });
  expect(reply.status).toBe(200);
  return reply.body.result.data;
}

const me = (server: TestServer, access: string) => server.get("auth.me", undefined, bearer(access));

/** Used twice on `server`, so that (if its cache is up) the second answer came from memory. */
async function useOn(server: TestServer, access: string): Promise<void> {
  for (let i = 0; i < 2; i += 1) expect((await me(server, access)).status).toBe(200);
}

/** In process, how many calls the server's cache answered (the build keeps that to itself). */
function cacheHits(server: TestServer): number | undefined {
  const deps = (server as Partial<InProcessServer>).deps;
  return deps?.sessionCache?.stats().hits;
}

/** Asks `server` every ~50 ms until it refuses the token, or GIVE_UP_MS passed. */
async function untilRefused(server: TestServer, access: string): Promise<Reply> {
  const deadline = Date.now() + GIVE_UP_MS;
  for (;;) {
    const reply = await me(server, access);
    if (reply.status !== 200 || Date.now() > deadline) return reply;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function expectRefused(reply: Reply, appCode: string): void {
  expect({ status: reply.status, appCode: reply.body?.error?.data?.appCode }).toEqual({
    status: 401,
    appCode,
  });
}

/** Ends the server's listening connection as a network failure or a DBA would. */
async function killListener(server: TestServer): Promise<void> {
  const name = `${server.runtimeId}:session-listener`;
  const deadline = Date.now() + GIVE_UP_MS;
  for (;;) {
    const rows = await a.db.$queryRaw<{ killed: boolean }[]>`
      SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity
       WHERE application_name = ${name}`;
    if (rows.some((row) => row.killed)) return;
    if (Date.now() > deadline) throw new Error(`no connection named ${name}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The pid of the server's listening connection once it has run LISTEN (not `except`'s). */
async function listeningPid(server: TestServer, except?: number): Promise<number> {
  const name = `${server.runtimeId}:session-listener`;
  const deadline = Date.now() + GIVE_UP_MS;
  for (;;) {
    const rows = await a.db.$queryRaw<{ pid: number }[]>`
      SELECT pid FROM pg_stat_activity
       WHERE application_name = ${name} AND state = 'idle'
         AND (query LIKE 'LISTEN%' OR query = 'SELECT 1')`;
    const found = rows.find((row) => row.pid !== except);
    if (found) return found.pid;
    if (Date.now() > deadline) throw new Error(`${name} did not LISTEN`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("the session cache across servers", () => {
  it("a logout on one server is refused on the other once the notification arrives", async () => {
    const pair = await signUp();
    await useOn(a, pair.access);
    const hitsBefore = cacheHits(b);
    await useOn(b, pair.access);
    // (In process we can see it: B answered the second call from memory.)
    if (hitsBefore !== undefined) expect(cacheHits(b)).toBe(hitsBefore + 1);

    expect((await a.post("auth.logout", { refresh: pair.refresh })).status).toBe(200);
    // The server that logged out knows at once, without waiting for the notification.
    expectRefused(await me(a, pair.access), "TOKEN_REVOKED");
    expectRefused(await untilRefused(b, pair.access), "TOKEN_REVOKED");
  });

  it("a server whose listening connection was cut still refuses a session revoked meanwhile", async () => {
    const first = await signUp();
    const second = await signIn(first.user.email);
    await useOn(b, first.access);
    await useOn(b, second.access);

    await killListener(b);
    const sid = JSON.parse(Buffer.from(second.access.split(".")[1] ?? "", "base64url").toString())
      .sid as string;
    const revoked = await a.post("account.revokeSession", { id: sid }, bearer(first.access));
    expect(revoked.status).toBe(200);

    expectRefused(await untilRefused(b, second.access), "TOKEN_REVOKED");
    // And it serves live sessions as before, whether or not it LISTENs again yet.
    await useOn(b, first.access);
    // Once it does, a logout elsewhere reaches it again.
    expect((await a.post("auth.logout", { refresh: first.refresh })).status).toBe(200);
    expectRefused(await untilRefused(b, first.access), "TOKEN_REVOKED");
  });

  it("a revocation sent while the other server could not hear it is refused there after it LISTENs again", async () => {
    const pair = await signUp();
    // B LISTENs (an earlier test cut its connection: it may still be coming back).
    await listeningPid(b);
    await useOn(b, pair.access);
    const name = `${b.runtimeId}:session-listener`;
    // One transaction: B's listening connection is cut before the notification goes out at
    // commit, and B LISTENs again only after it (its first reconnection waits at least 50 ms).
    const [killed] = await a.db.$transaction([
      a.db.$queryRaw<{ pid: number; killed: boolean }[]>`
        SELECT pid, pg_terminate_backend(pid) AS killed FROM pg_stat_activity
         WHERE application_name = ${name}`,
      a.db.$executeRaw`UPDATE sessions SET revoked_at = now(), revoked_reason = 'operator'
                        WHERE user_id = ${pair.user.id}::uuid`,
    ]);
    expect(killed).toHaveLength(1);
    // Once B's new connection has run LISTEN, and B has had a moment to take it in, B trusts its
    // cache again: the session must not be in it.
    await listeningPid(b, killed[0]?.pid);
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (let i = 0; i < 3; i += 1) expectRefused(await me(b, pair.access), "TOKEN_REVOKED");
  });

  it("an operator's SQL (deactivating a user, revoking a session) is refused on every server", async () => {
    const deactivated = await signUp();
    const revoked = await signUp();
    await useOn(b, deactivated.access);
    await useOn(b, revoked.access);

    await a.db
      .$executeRaw`UPDATE users SET is_active = false WHERE id = ${deactivated.user.id}::uuid`;
    await a.db.$executeRaw`
      UPDATE sessions SET revoked_at = now(), revoked_reason = 'operator'
       WHERE user_id = ${revoked.user.id}::uuid`;

    expectRefused(await untilRefused(b, deactivated.access), "USER_NOT_FOUND");
    expectRefused(await untilRefused(b, revoked.access), "TOKEN_REVOKED");
    expectRefused(await untilRefused(a, deactivated.access), "USER_NOT_FOUND");
  });

  it("SQL with the triggers off is not heard, until NOTIFY kit_session_change, '*' (README)", async () => {
    const pair = await signUp();
    await listeningPid(b);
    await useOn(b, pair.access);
    await a.db.$transaction([
      a.db.$executeRaw`ALTER TABLE sessions DISABLE TRIGGER USER`,
      a.db.$executeRaw`UPDATE sessions SET revoked_at = now(), revoked_reason = 'operator'
                        WHERE user_id = ${pair.user.id}::uuid`,
      a.db.$executeRaw`ALTER TABLE sessions ENABLE TRIGGER USER`,
    ]);
    // B was told nothing: its cache still has the session (what the README warns of).
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await me(b, pair.access)).status).toBe(200);
    // What the README says to send after such a write: every server empties its cache.
    await a.db.$executeRaw`NOTIFY kit_session_change, '*'`;
    expectRefused(await untilRefused(b, pair.access), "TOKEN_REVOKED");
  });
});

/** The access token's session id. */
const sidOf = (access: string): string =>
  JSON.parse(Buffer.from(access.split(".")[1] ?? "", "base64url").toString()).sid;

/** An admin of A's, promoted with SQL as an operator would. */
async function signUpAdmin(): Promise<Pair> {
  const pair = await signUp();
  await a.db.$executeRaw`UPDATE users SET role = 'admin' WHERE id = ${pair.user.id}::uuid`;
  return pair;
}

// Each way a session ends through the API, done on A; what A and B must then say to its access
// token.
const REVOCATIONS: {
  name: string;
  /** B's answer to the session's access token afterwards. */
  appCode: string;
  /** A's answer to the revoking call (a replayed refresh token is itself refused). */
  answers?: number;
  revoke(pair: Pair, admin: Pair): Promise<Reply>;
}[] = [
  {
    name: "auth.logout",
    appCode: "TOKEN_REVOKED",
    revoke: (pair) => a.post("auth.logout", { refresh: pair.refresh }),
  },
  {
    name: "account.revokeSession",
    appCode: "TOKEN_REVOKED",
    revoke: (pair) =>
      a.post("account.revokeSession", { id: sidOf(pair.access) }, bearer(pair.access)),
  },
  {
    name: "account.logoutAll",
    appCode: "TOKEN_REVOKED",
    revoke: (pair) => a.post("account.logoutAll", undefined, bearer(pair.access)),
  },
  {
    name: "account.changePassword",
    appCode: "TOKEN_REVOKED",
    revoke: (pair) =>
      a.post(
        "account.changePassword",
        { currentPassword: PASSWORD, newPassword: `${PASSWORD} again` },
        bearer(pair.access),
      ),
  },
  {
    name: "admin.deactivateUser",
    appCode: "USER_NOT_FOUND",
    revoke: (pair, admin) =>
      a.post("admin.deactivateUser", { userId: pair.user.id }, bearer(admin.access)),
  },
  {
    name: "a refresh token's reuse",
    appCode: "TOKEN_REVOKED",
    answers: 401,
    async revoke(pair) {
      expect((await a.post("auth.refresh", { refresh: pair.refresh })).status).toBe(200);
      return a.post("auth.refresh", { refresh: pair.refresh });
    },
  },
];

describe("every way a session ends through one server reaches the other", () => {
  // A refuses at once (it dropped the session itself); B once the trigger's notification reaches
  // it. Each path must change a column the triggers watch, or B would serve its cached session
  // for minutes.
  it.each(REVOCATIONS)("$name", async ({ revoke, appCode, answers = 200 }) => {
    await listeningPid(b);
    const admin = await signUpAdmin();
    const pair = await signUp();
    await useOn(b, pair.access);
    const answer = await revoke(pair, admin);
    expect(answer.status, JSON.stringify(answer.body)).toBe(answers);
    expectRefused(await me(a, pair.access), appCode);
    expectRefused(await untilRefused(b, pair.access), appCode);
  });
});
