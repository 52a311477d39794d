// What a server logs over a whole session never holds a credential: no password, no token, no
// device marker, no signing secret, on either server (in process: what its logger wrote; on the
// build: everything the process printed).
import { describe, expect, it } from "vitest";
import { bearer, serversPerTest, uniqueEmail } from "../../test/test-server";

const serverWith = serversPerTest();

// Distinctive values, so that a hit can only be a leak.
const SECRET = "log-test-secret-Zq8Yw2Vx5Ut7Sr9Qp1On3Ml6Kj4Ih0Gf";
const PASSWORDS = {
  first: "first-password-Aa1Bb2Cc3",
  second: "second-password-Dd4Ee5Ff6",
  wrong: "wrong-password-Gg7Hh8Ii9",
  broken: "broken-password-Jj0Kk1Ll2",
};

/** A JWT, and its signature alone (a log that cut the token would still leak that). */
const fragmentsOf = (token: string) => [token, token.split(".")[2] ?? token];

describe("the logs of a whole session", () => {
  it("hold none of the passwords, tokens, device markers or the secret", async () => {
    const api = await serverWith({ ownDatabase: true, secret: SECRET });
    const email = uniqueEmail("logs");
    const seen: string[] = [SECRET, ...Object.values(PASSWORDS)];

    const registered = await api.post("auth.register", { email, password: PASSWORDS.first });
    expect(registered.status).toBe(200);
    seen.push(
      ...fragmentsOf(registered.body.result.data.access),
      ...fragmentsOf(registered.body.result.data.refresh),
    );

    const login = await api.post("auth.login", { email, password: PASSWORDS.first });
    expect(login.status).toBe(200);
    const { access, refresh, device } = login.body.result.data;
    seen.push(...fragmentsOf(access), ...fragmentsOf(refresh), ...fragmentsOf(device));

    expect((await api.get("auth.me", undefined, bearer(access))).status).toBe(200);

    const refreshed = await api.post("auth.refresh", { refresh, device });
    expect(refreshed.status).toBe(200);
    seen.push(
      ...fragmentsOf(refreshed.body.result.data.access),
      ...fragmentsOf(refreshed.body.result.data.refresh),
    );

    const changed = await api.post(
      "account.changePassword",
      { currentPassword: PASSWORDS.first, newPassword: PASSWORDS.second },
      bearer(refreshed.body.result.data.access),
    );
    expect(changed.status).toBe(200);
    const fresh = changed.body.result.data;
    seen.push(...fragmentsOf(fresh.access), ...fragmentsOf(fresh.refresh));

    // A refresh token already spent: reuse detection, which logs.
    expect((await api.post("auth.refresh", { refresh })).status).toBe(401);
    expect((await api.post("auth.logout", { refresh: fresh.refresh })).status).toBe(200);
    expect((await api.post("auth.login", { email, password: PASSWORDS.wrong })).status).toBe(401);
    expect((await api.get("auth.me", undefined, bearer(access))).status).toBe(401);

    // An unexpected error, which logs its one line: the users table is gone from under it.
    await api.db.$executeRawUnsafe('ALTER TABLE "users" RENAME TO "users_gone"');
    const failed = await api.post("auth.login", { email, password: PASSWORDS.broken });
    expect(failed.status).toBe(500);
    const requestId = failed.headers.get("x-request-id") ?? "";
    // The error's log line may be written just after the response.
    for (let i = 0; i < 50 && !api.output().includes(requestId); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const output = api.output();
    expect(output).toContain(requestId);

    const leaked = seen.filter((value) => output.includes(value));
    expect(leaked).toEqual([]);
  });
});
