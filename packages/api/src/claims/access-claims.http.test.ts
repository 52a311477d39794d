// The app's own access-token claims (access-claims.ts: `role`): signed in at login and refresh,
// typed in `ctx.claims` of protected procedures, and for a token without them, what the hook's
// whenMissing says — the role the session check just read.
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { type InProcessServer, startInProcessServer } from "../../test/in-process-server";
import { bearer, uniqueEmail } from "../../test/test-server";
import { kitRouters } from "../root";
import { adminProcedure, protectedProcedure, router } from "../trpc";

// What an extender writes: procedures that read the claims.
const appRouter = router({
  ...kitRouters,
  claims: router({
    mine: protectedProcedure.query(({ ctx }) => {
      expectTypeOf(ctx.claims.role).toEqualTypeOf<"user" | "admin">();
      return ctx.claims;
    }),
    adminOnly: adminProcedure.query(() => ({ ok: true })),
  }),
});

let server: InProcessServer;
beforeAll(async () => {
  server = await startInProcessServer({ router: appRouter });
});
afterAll(() => server?.close());

async function signUp() {
  const email = uniqueEmail("claims");
  const password = "a long enough password";
  const registered = await server.post("auth.register", { email, password });
  const { user, access, refresh } = registered.body.result.data;
  return { user, access, refresh, email, password };
}

// The kit's claim is `role`; an app adds its own beside it (the README's "Claims of your own"),
// so these tests look at `role` and leave the rest to the app's tests.
const claimsOf = async (token: string) => {
  const reply = await server.get("claims.mine", undefined, bearer(token));
  expect(reply.status).toBe(200);
  return reply.body.result.data;
};

describe("the app's access-token claims", () => {
  it("are signed into the tokens of register, login and refresh, and reach ctx.claims", async () => {
    const account = await signUp();
    expect(decodeJwt(account.access)).toMatchObject({ role: "user", sub: account.user.id });
    expect(await claimsOf(account.access)).toMatchObject({ role: "user" });

    await server.db.user.update({ where: { id: account.user.id }, data: { role: "admin" } });
    const login = await server.post("auth.login", {
      email: account.email,
      password: account.password,
    });
    expect(decodeJwt(login.body.result.data.access)).toMatchObject({ role: "admin" });
    const refreshed = await server.post("auth.refresh", { refresh: account.refresh });
    expect(decodeJwt(refreshed.body.result.data.access)).toMatchObject({ role: "admin" });
    expect(await claimsOf(refreshed.body.result.data.access)).toMatchObject({ role: "admin" });
  });

  it("are a snapshot: a demoted admin's token still says admin, adminProcedure asks the row", async () => {
    const account = await signUp();
    await server.db.user.update({ where: { id: account.user.id }, data: { role: "admin" } });
    const login = await server.post("auth.login", {
      email: account.email,
      password: account.password,
    });
    const { access } = login.body.result.data;
    expect((await server.get("claims.adminOnly", undefined, bearer(access))).status).toBe(200);

    await server.db.user.update({ where: { id: account.user.id }, data: { role: "user" } });
    expect(await claimsOf(access)).toMatchObject({ role: "admin" });
    const refused = await server.get("claims.adminOnly", undefined, bearer(access));
    expect(refused.status).toBe(403);
    expect(refused.body.error.data.appCode).toBe("ADMIN_REQUIRED");
  });

  it("come from the live user for a token issued without them", async () => {
    const account = await signUp();
    const claims = decodeJwt(account.access) as { sid: string };
    // As a token from before `role` was a claim: the kit's claims only.
    const old = server.deps.tokens.issueAccess({
      userId: account.user.id,
      email: account.email,
      sessionId: claims.sid,
    });
    expect(decodeJwt(old.token)).not.toHaveProperty("role");
    expect(await claimsOf(old.token)).toMatchObject({ role: "user" });

    await server.db.user.update({ where: { id: account.user.id }, data: { role: "admin" } });
    // The role change reaches the session cache through its notification; poll until it has.
    // Normally milliseconds; 30 s for a loaded machine, at no cost once it has arrived.
    let seen: unknown;
    const deadline = Date.now() + 30_000;
    for (;;) {
      seen = await claimsOf(old.token);
      if ((seen as { role: string }).role === "admin" || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(seen).toMatchObject({ role: "admin" });
  });

  it("treat a claim of another shape as missing", async () => {
    const account = await signUp();
    const { sid } = decodeJwt(account.access) as { sid: string };
    const odd = server.deps.tokens.issueAccess({
      userId: account.user.id,
      email: account.email,
      sessionId: sid,
      custom: { role: "superuser" },
    });
    expect(await claimsOf(odd.token)).toMatchObject({ role: "user" });
  });
});
