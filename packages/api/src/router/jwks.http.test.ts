// GET /.well-known/jwks.json and asymmetric tokens end to end: the public keys are published
// (never private members), another service verifies our tokens with them through jose, and
// RS256, PS256 and ES256 deployments sign in, call, and rotate keys without signing anyone out.
import { generateKeyPairSync } from "node:crypto";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { bearer, serversPerTest, type TestServer, uniqueEmail } from "../../test/test-server";
import { JWKS_PATH } from "../wire";

const serverWith = serversPerTest();
const PASSWORD = "correct horse battery";
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "k", "oth"];

function keyPair(algorithm: "RS256" | "PS256" | "ES256") {
  const pair =
    algorithm === "ES256"
      ? generateKeyPairSync("ec", { namedCurve: "P-256" })
      : generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    privatePem: pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicPem: pair.publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
}

async function signIn(server: TestServer): Promise<{ access: string; refresh: string }> {
  const email = uniqueEmail("jwks");
  expect((await server.post("auth.register", { email, password: PASSWORD })).status).toBe(200);
  const login = await server.post("auth.login", { email, password: PASSWORD });
  expect(login.status).toBe(200);
  return login.body.result.data;
}

describe("GET /.well-known/jwks.json", () => {
  it("answers 404 with HS256: a shared secret is never published", async () => {
    const server = await serverWith();
    const reply = await server.raw(JWKS_PATH);
    expect(reply.status).toBe(404);
    expect(JSON.stringify(reply.body)).not.toMatch(/"kty"/);
  });

  it("publishes the signing and verification public keys, cacheable, with no private member", async () => {
    const current = keyPair("RS256");
    const previous = keyPair("RS256");
    const server = await serverWith({
      algorithm: "RS256",
      signingKey: current.privatePem,
      signingKeyId: "2026-12",
      verificationKeys: [{ kid: "2026-11", key: previous.publicPem }],
    });
    const reply = await server.raw(JWKS_PATH);
    expect(reply.status).toBe(200);
    expect(reply.headers.get("content-type")).toMatch(/^application\/json/);
    expect(reply.headers.get("cache-control")).toBe("public, max-age=300");
    expect(reply.body.keys.map((key: { kid: string }) => key.kid)).toEqual(["2026-12", "2026-11"]);
    for (const key of reply.body.keys) {
      expect(key).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig", e: "AQAB" });
      for (const member of PRIVATE_MEMBERS) expect(key).not.toHaveProperty(member);
    }
    // Not even a trace of the PEM's body in the document.
    const body = current.privatePem.split("\n")[1] ?? "";
    expect(JSON.stringify(reply.body)).not.toContain(body.slice(0, 24));
    // Every other method: 405 with Allow and the API's headers, the same from either handler.
    for (const method of ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"]) {
      const refused = await server.raw(JWKS_PATH, { method });
      expect(refused.status, method).toBe(405);
      expect(refused.headers.get("allow"), method).toBe("GET, HEAD");
      expect(refused.headers.get("cache-control"), method).toBe("no-store");
      expect(refused.body, method).toEqual({ error: "METHOD_NOT_ALLOWED" });
    }
    const head = await server.raw(JWKS_PATH, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.body).toBe("");
  });
});

describe.each(["RS256", "PS256", "ES256"] as const)("%s end to end", (algorithm) => {
  it("signs in, calls with the token, and another service verifies it through the JWKS", async () => {
    const key = keyPair(algorithm);
    const server = await serverWith({
      algorithm,
      signingKey: key.privatePem,
      issuer: "https://auth.example.test",
      audience: "kit-api",
    });
    const { access, refresh, device } = (await signIn(server)) as {
      access: string;
      refresh: string;
      device?: string;
    };
    const me = await server.get("auth.me", undefined, bearer(access));
    expect(me.status).toBe(200);

    // As a resource server elsewhere would (README, "JWKS"): fetch the key set, pin alg, issuer,
    // audience and the access token's header type.
    const keys = createRemoteJWKSet(new URL(`${server.base}${JWKS_PATH}`));
    const recipe = {
      algorithms: [algorithm],
      issuer: "https://auth.example.test",
      audience: "kit-api",
      typ: "at+jwt",
    };
    const { payload, protectedHeader } = await jwtVerify(access, keys, recipe);
    expect(protectedHeader.alg).toBe(algorithm);
    expect(protectedHeader.typ).toBe("at+jwt");
    expect(payload.sub).toBe(me.body.result.data.id);
    expect(payload.type).toBe("access");
    // Signed by the same key with the same issuer and audience, but not access tokens: the
    // header type keeps a refresh token or a year-long device marker from passing for one.
    const others = [refresh, device].filter((token): token is string => Boolean(token));
    expect(others.length).toBeGreaterThan(0);
    for (const token of others) {
      await expect(jwtVerify(token, keys, recipe)).rejects.toThrow(/typ/);
    }
  });
});

describe("rotating an ES256 key", () => {
  it("keeps the old key's tokens valid while it is listed, and names the new one in new tokens", async () => {
    const old = keyPair("ES256");
    const next = keyPair("ES256");
    const before = await serverWith({
      algorithm: "ES256",
      signingKey: old.privatePem,
      signingKeyId: "a",
    });
    const issued = await signIn(before);

    const after = await serverWith({
      algorithm: "ES256",
      signingKey: next.privatePem,
      signingKeyId: "b",
      verificationKeys: [{ kid: "a", key: old.publicPem }],
      databaseOf: before,
    });
    expect((await after.get("auth.me", undefined, bearer(issued.access))).status).toBe(200);
    const rotated = await after.post("auth.refresh", { refresh: issued.refresh });
    expect(rotated.status).toBe(200);
    const header = JSON.parse(
      Buffer.from(rotated.body.result.data.access.split(".")[0], "base64url").toString(),
    );
    expect(header).toMatchObject({ alg: "ES256", kid: "b" });
    const jwks = await after.raw(JWKS_PATH);
    expect(jwks.body.keys.map((key: { kid: string }) => key.kid)).toEqual(["b", "a"]);

    // Without the old key listed, its tokens are refused: an unknown kid.
    const dropped = await serverWith({
      algorithm: "ES256",
      signingKey: next.privatePem,
      signingKeyId: "b",
      databaseOf: before,
    });
    const refused = await dropped.get("auth.me", undefined, bearer(issued.access));
    expect(refused.body.error.data.appCode).toBe("INVALID_TOKEN");
  });
});
