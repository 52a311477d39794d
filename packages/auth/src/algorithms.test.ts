import {
  createHmac,
  createPrivateKey,
  createPublicKey,
  createSign,
  generateKeyPairSync,
  type KeyObject,
} from "node:crypto";
import { describe, expect, it } from "vitest";
import { type Algorithm, assertKeyFor, keyFromText } from "./algorithms";
import { createSecretKey } from "./keys";
import { catchAuthError } from "./testing/catch-auth-error";
import { decodeSegment, encodeSegment } from "./testing/fixture-token";
import { createTokenService, type TokenServiceConfig } from "./tokens";

// Keys made here, per run: no key material is committed.
const rsa = () => generateKeyPairSync("rsa", { modulusLength: 2048 });
const p256 = () => generateKeyPairSync("ec", { namedCurve: "P-256" });
const pairs = {
  RS256: [rsa(), rsa()],
  PS256: [rsa(), rsa()],
  ES256: [p256(), p256()],
} as const;
const user = { userId: "user-1", email: "ada@example.com", sessionId: "session-1" };
const NOW = 1_800_000_000_000;

function service(config: Partial<TokenServiceConfig> & Pick<TokenServiceConfig, "key">) {
  return createTokenService({ accessTtl: 900, refreshTtl: 3600, now: () => NOW, ...config });
}

describe.each(["RS256", "PS256", "ES256"] as const)("%s", (algorithm) => {
  const [current, next] = pairs[algorithm];

  it("signs with the private key and verifies with the public one, kid in the header", () => {
    const tokens = service({ algorithm, key: current.privateKey, keyId: "k1" });
    const { token, claims } = tokens.issueAccess(user);
    expect(decodeSegment(token.split(".")[0])).toEqual({
      alg: algorithm,
      typ: "at+jwt",
      kid: "k1",
    });
    expect(tokens.verifyAccess(token)).toEqual(claims);
    // A service holding only the public key accepts it too.
    const verifier = service({
      algorithm,
      key: next.privateKey,
      previousKeys: [{ kid: "k1", key: createPublicKey(current.privateKey) }],
    });
    expect(verifier.verifyAccess(token)).toEqual(claims);
  });

  it("rotates without signing anyone out: the new key signs, the old one still verifies", () => {
    const before = service({ algorithm, key: current.privateKey, keyId: "old" });
    const old = before.issueAccess(user).token;
    const after = service({
      algorithm,
      key: next.privateKey,
      keyId: "new",
      previousKeys: [{ kid: "old", key: current.publicKey }],
    });
    expect(after.verifyAccess(old).sub).toBe("user-1");
    const fresh = after.issueAccess(user).token;
    expect(decodeSegment(fresh.split(".")[0])).toMatchObject({ kid: "new" });
    // Once retired, the old key's tokens are refused.
    const retired = service({
      algorithm,
      key: next.privateKey,
      keyId: "new",
      previousKeys: [{ kid: "old", key: current.publicKey, retiresAt: NOW }],
    });
    expect(catchAuthError(() => retired.verifyAccess(old)).code).toBe("INVALID_TOKEN");
  });

  it("refuses an unknown kid", () => {
    const token = service({ algorithm, key: current.privateKey, keyId: "elsewhere" }).issueAccess(
      user,
    ).token;
    const tokens = service({ algorithm, key: current.privateKey, keyId: "here" });
    expect(catchAuthError(() => tokens.verifyAccess(token)).code).toBe("INVALID_TOKEN");
  });

  it("ignores jku, jwk and x5u: a token cannot bring its own key", () => {
    const tokens = service({ algorithm, key: current.privateKey, keyId: "k1" });
    const attacker = pairs[algorithm][1];
    const jwk = attacker.publicKey.export({ format: "jwk" });
    for (const extra of [
      { jwk },
      { jku: "http://127.0.0.1:1/jwks.json" },
      { x5u: "http://127.0.0.1:1/cert.pem" },
    ]) {
      // Signed by the attacker's key, announcing that key in the header (with and without kid).
      for (const kid of ["k1", undefined]) {
        const forged = selfSigned(algorithm, attacker.privateKey, { kid, ...extra });
        expect(catchAuthError(() => tokens.verifyAccess(forged)).code).toBe("INVALID_TOKEN");
      }
    }
    // The same parameters on a genuine token change nothing either.
    const genuine = selfSigned(algorithm, current.privateKey, { kid: "k1", jku: "http://x/" });
    expect(tokens.verifyAccess(genuine).sub).toBe("user-1");
  });

  it("refuses HS256 signed with the public key PEM as the HMAC secret (alg confusion)", () => {
    const tokens = service({ algorithm, key: current.privateKey, keyId: "k1" });
    const pem = current.publicKey.export({ type: "spki", format: "pem" }).toString();
    const input = `${encodeSegment({ alg: "HS256", typ: "JWT", kid: "k1" })}.${encodeSegment(accessPayload())}`;
    const forged = `${input}.${createHmac("sha256", pem).update(input).digest("base64url")}`;
    expect(catchAuthError(() => tokens.verifyAccess(forged)).code).toBe("INVALID_TOKEN");
  });

  it("refuses a token whose alg is not the configured one, even from a configured key", () => {
    const tokens = service({ algorithm, key: current.privateKey, keyId: "k1" });
    const other: Algorithm = algorithm === "RS256" ? "PS256" : "RS256";
    if (algorithm !== "ES256") {
      // Same RSA key, other padding: a valid signature, but not under the pinned algorithm.
      const token = selfSigned(other, current.privateKey, { kid: "k1" });
      expect(catchAuthError(() => tokens.verifyAccess(token)).code).toBe("INVALID_TOKEN");
    }
    const none = `${encodeSegment({ alg: "none", kid: "k1" })}.${encodeSegment(accessPayload())}.`;
    expect(catchAuthError(() => tokens.verifyAccess(none)).code).toBe("INVALID_TOKEN");
  });

  it("publishes only public members in its JWKS, retired keys left out", () => {
    const tokens = service({
      algorithm,
      key: current.privateKey,
      keyId: "now",
      previousKeys: [
        { kid: "old", key: next.publicKey, retiresAt: NOW + 1000 },
        { kid: "gone", key: pairs.ES256[0].publicKey, retiresAt: NOW },
      ].filter((entry) => algorithm === "ES256" || entry.kid !== "gone"),
    });
    const jwks = tokens.jwks();
    expect(jwks?.keys.map((key) => key.kid)).toEqual(["now", "old"]);
    for (const key of jwks?.keys ?? []) {
      expect(key).toMatchObject({ alg: algorithm, use: "sig" });
      for (const secret of ["d", "p", "q", "dp", "dq", "qi"])
        expect(key).not.toHaveProperty(secret);
    }
  });

  function accessPayload() {
    const iat = Math.floor(NOW / 1000);
    return {
      ...user,
      sub: "user-1",
      sid: "session-1",
      jti: "j",
      iat,
      exp: iat + 60,
      type: "access",
    };
  }

  // A JWS made with node:crypto alone, so the header can say anything.
  function selfSigned(
    alg: Algorithm,
    privateKey: (typeof current)["privateKey"],
    header: Record<string, unknown>,
  ): string {
    const input = `${encodeSegment({ alg, typ: "JWT", ...header })}.${encodeSegment(accessPayload())}`;
    const signer = createSign("sha256").update(input);
    const signature =
      alg === "ES256"
        ? signer.sign({ key: privateKey, dsaEncoding: "ieee-p1363" })
        : alg === "PS256"
          ? signer.sign({ key: privateKey, padding: 6, saltLength: 32 })
          : signer.sign(privateKey);
    return `${input}.${signature.toString("base64url")}`;
  }
});

describe("HS256 next to asymmetric keys", () => {
  const secret = createSecretKey("a-secret-that-is-long-enough-for-hs256!!");
  const { privateKey, publicKey } = pairs.RS256[0];

  it("refuses an RS256 token on an HS256 deployment", () => {
    const rs = service({ algorithm: "RS256", key: privateKey, keyId: "k1" }).issueAccess(
      user,
    ).token;
    const hs = service({ key: secret, keyId: "k1" });
    expect(catchAuthError(() => hs.verifyAccess(rs)).code).toBe("INVALID_TOKEN");
  });

  it("never mixes families on one ring", () => {
    expect(() => service({ algorithm: "RS256", key: secret })).toThrow(TypeError);
    expect(() =>
      service({ algorithm: "RS256", key: privateKey, previousKeys: [{ key: secret }] }),
    ).toThrow(TypeError);
    expect(() => service({ key: secret, previousKeys: [{ key: publicKey }] })).toThrow(TypeError);
  });

  it("refuses a token with a crit header, even correctly signed (RFC 7515 §4.1.11)", () => {
    const tokens = service({ key: secret, keyId: "k1" });
    const { token } = tokens.issueAccess(user);
    const [header, payload] = token.split(".");
    const critical = encodeSegment({ ...(decodeSegment(header) as object), crit: ["exp"] });
    const signature = createHmac("sha256", secret)
      .update(`${critical}.${payload}`)
      .digest("base64url");
    expect(tokens.verifyAccess(token)).toBeTruthy();
    expect(
      catchAuthError(() => tokens.verifyAccess(`${critical}.${payload}.${signature}`)).code,
    ).toBe("INVALID_TOKEN");
  });

  it("publishes nothing with HS256", () => {
    expect(service({ key: secret }).jwks()).toBeNull();
  });
});

describe("key checks", () => {
  it("wants a private key to sign and a public one to verify", () => {
    const { privateKey, publicKey } = pairs.ES256[0];
    expect(() => assertKeyFor("ES256", publicKey, "sign")).toThrow(/signs with a private key/);
    expect(() => assertKeyFor("ES256", privateKey, "verify")).toThrow(/verifies with a public key/);
  });

  it("refuses RSA keys under 2048 bits, EC keys off P-256, and keys of the wrong type", () => {
    const small = generateKeyPairSync("rsa", { modulusLength: 1024 });
    expect(() => assertKeyFor("RS256", small.privateKey, "sign")).toThrow(/at least 2048 bits/);
    const p384 = generateKeyPairSync("ec", { namedCurve: "P-384" });
    expect(() => assertKeyFor("ES256", p384.privateKey, "sign")).toThrow(/P-256/);
    expect(() => assertKeyFor("ES256", pairs.RS256[0].privateKey, "sign")).toThrow(/P-256/);
    expect(() => assertKeyFor("PS256", pairs.ES256[0].privateKey, "sign")).toThrow(/RSA key/);
  });

  it("refuses a private key that does not match its own public half (a damaged key file)", () => {
    const [first, second] = [pairs.ES256[0], generateKeyPairSync("ec", { namedCurve: "P-256" })];
    const scalar = (key: KeyObject) =>
      Buffer.from(key.export({ format: "jwk" }).d ?? "", "base64url");
    // One key's file with another's private scalar written over its own, as a damaged file
    // holds: Node loads it (a JWK so made is refused by Node 26, a DER is not), and the key set
    // would publish a half that verifies nothing it signs.
    const der = first.privateKey.export({ type: "pkcs8", format: "der" });
    const at = der.indexOf(scalar(first.privateKey));
    expect(at).toBeGreaterThan(0);
    scalar(second.privateKey).copy(der, at);
    const damaged = createPrivateKey({ key: der, format: "der", type: "pkcs8" });
    expect(() => assertKeyFor("ES256", damaged, "sign")).toThrow(
      /does not match its own public key \(a damaged key\?\)/,
    );
    const pem = damaged.export({ type: "pkcs8", format: "pem" }).toString();
    expect(() => keyFromText("ES256", pem, "sign")).toThrow(/does not match its own public key/);
    for (const algorithm of ["RS256", "PS256", "ES256"] as const) {
      expect(() => assertKeyFor(algorithm, pairs[algorithm][0].privateKey, "sign")).not.toThrow();
    }
  });

  it("reads PEM text, with literal \\n too, and refuses a private key where a public one goes", () => {
    const { privateKey, publicKey } = pairs.ES256[0];
    const privatePem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const publicPem = publicKey.export({ type: "spki", format: "pem" }).toString();
    expect(keyFromText("ES256", privatePem, "sign").type).toBe("private");
    expect(keyFromText("ES256", publicPem.replaceAll("\n", "\\n"), "verify").type).toBe("public");
    expect(() => keyFromText("ES256", privatePem, "verify")).toThrow(/not a private key/);
    expect(() => keyFromText("ES256", publicPem, "sign")).toThrow(
      /not a PEM private key: this is a public key or certificate; signing needs the private key/,
    );
    expect(() => keyFromText("RS256", "not a pem", "sign")).toThrow(/needs a PEM key/);
    // Never repeats the text: it may be a key.
    expect(() => keyFromText("RS256", publicPem, "sign")).not.toThrow(/BEGIN PUBLIC/);
  });
});
