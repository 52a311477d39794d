// Rotating AUTH_SECRET without signing anyone out: tokens of the previous secret keep working
// while it is listed in AUTH_SECRET_PREVIOUS, and new tokens use the new one.
import { describe, expect, it } from "vitest";
import { bearer, serversPerTest, uniqueEmail } from "../../test/test-server";

const OLD = "the-old-secret-0123456789-abcdefghijklmnopq";
const NEW = "the-new-secret-0123456789-abcdefghijklmnopq";
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
});
