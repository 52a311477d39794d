// Rotating AUTH_SECRET without signing anyone out: tokens of the previous secret keep working
// while it is listed in AUTH_SECRET_PREVIOUS and not retired, and new tokens use the new one.
import { describe, expect, it } from "vitest";
import { bearer, serversPerTest, uniqueEmail } from "../../test/test-server";

const OLD = "the-old-secret-0123456789-abcdefghijklmnopq";
const NEW = "the-new-secret-0123456789-abcdefghijklmnopq";
const OLDER = "the-older-secret-0123456789-abcdefghijklmno";
const serverWith = serversPerTest();

describe("secret rotation", () => {
  it("accepts the previous secret's tokens, rotates them onto the new one, then drops it", async () => {
    const before = await serverWith({ secret: OLD });
    const reply = await before.post("auth.register", {
      email: uniqueEmail("rotate"),
      password: "correct horse battery",
    });
    const { access, refresh } = reply.body.result.data;

    // Each step is a restart on the same database with the new settings.
    const during = await serverWith({ secret: NEW, previousSecrets: [OLD], databaseOf: before });
    expect((await during.get("auth.me", undefined, bearer(access))).status).toBe(200);
    const rotated = await during.post("auth.refresh", { refresh });
    expect(rotated.status).toBe(200);

    const after = await serverWith({ secret: NEW, databaseOf: before });
    // The pair minted during the rotation is signed with the new secret.
    expect(
      (await after.get("auth.me", undefined, bearer(rotated.body.result.data.access))).status,
    ).toBe(200);
    // The old secret's access token is now refused.
    const old = await after.get("auth.me", undefined, bearer(access));
    expect(old.body.error.data.appCode).toBe("INVALID_TOKEN");
  });

  it("refuses the tokens of a previous secret past its retirement time, not of one before it", async () => {
    // Two earlier secrets, each with a user signed in under it.
    const older = await serverWith({ secret: OLDER });
    const old = await serverWith({ secret: OLD, databaseOf: older });
    const register = async (server: typeof older) =>
      (
        await server.post("auth.register", {
          email: uniqueEmail("retire"),
          password: "correct horse battery",
        })
      ).body.result.data as { access: string; refresh: string };
    const underOlder = await register(older);
    const underOld = await register(old);

    const now = Date.now();
    const server = await serverWith({
      secret: NEW,
      previousSecrets: [
        { secret: OLDER, retiresAt: new Date(now - 60_000) },
        { secret: OLD, retiresAt: new Date(now + 3600_000) },
      ],
      databaseOf: older,
    });
    // Both users' tokens are unexpired: only the retired key's are refused.
    for (const refused of [
      await server.get("auth.me", undefined, bearer(underOlder.access)),
      await server.post("auth.refresh", { refresh: underOlder.refresh }),
    ]) {
      expect(refused.status).toBe(401);
      expect(refused.body.error.data.appCode).toBe("INVALID_TOKEN");
    }
    expect((await server.get("auth.me", undefined, bearer(underOld.access))).status).toBe(200);
    expect((await server.post("auth.refresh", { refresh: underOld.refresh })).status).toBe(200);
    // The operator is told to take the retired one off the list (the build logs its start-up).
    if (server.target === "build") {
      expect(server.output()).toMatch(/AUTH_SECRET_PREVIOUS entry 1 retired at .*remove it/);
    }
  });
});
