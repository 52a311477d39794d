// The key settings: AUTH_ALGORITHM, AUTH_SIGNING_KEY(_ID), AUTH_VERIFICATION_KEYS, iss/aud/leeway.
import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { EnvError, loadEnv } from "./env";
import { retiredKeyWarnings } from "./key-config";

const pem = (pair: ReturnType<typeof generateKeyPairSync>) => ({
  private: pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  public: pair.publicKey.export({ type: "spki", format: "pem" }).toString(),
});
const rsa = pem(generateKeyPairSync("rsa", { modulusLength: 2048 }));
const rsaSmall = pem(generateKeyPairSync("rsa", { modulusLength: 1024 }));
const p256 = pem(generateKeyPairSync("ec", { namedCurve: "P-256" }));
const p384 = pem(generateKeyPairSync("ec", { namedCurve: "P-384" }));
const SECRET = "an-hs256-secret-0123456789-abcdefghijklmn";
const base = { DATA_DIR: "/srv/kit-data" };

function problem(source: Record<string, string>): string {
  try {
    loadEnv({ ...base, ...source });
  } catch (error) {
    expect(error).toBeInstanceOf(EnvError);
    return (error as Error).message;
  }
  throw new Error("loadEnv accepted it");
}

describe("key settings", () => {
  it("reads an ES256 deployment with a kid and a verification key that retires", () => {
    const env = loadEnv({
      ...base,
      AUTH_ALGORITHM: "ES256",
      AUTH_SIGNING_KEY: p256.private,
      AUTH_SIGNING_KEY_ID: "2026-12",
      AUTH_VERIFICATION_KEYS: JSON.stringify([
        { kid: "2026-11", key: p256.public, retiresAt: "2027-01-31" },
      ]),
      AUTH_ISSUER: "https://auth.example",
      AUTH_AUDIENCE: "api",
      AUTH_CLOCK_LEEWAY: "30s",
    });
    expect(env).toMatchObject({
      algorithm: "ES256",
      signingKeyId: "2026-12",
      verificationKeys: [
        { kid: "2026-11", key: p256.public, retiresAt: Date.parse("2027-01-31T00:00:00Z") },
      ],
      issuer: "https://auth.example",
      audience: "api",
      clockLeeway: 30,
    });
  });

  it("accepts a PEM written on one line with literal \\n, as env files hold it", () => {
    const oneLine = rsa.private.replaceAll("\n", "\\n");
    expect(loadEnv({ ...base, AUTH_ALGORITHM: "PS256", AUTH_SIGNING_KEY: oneLine }).algorithm).toBe(
      "PS256",
    );
  });

  it("refuses, in one line each, keys that do not fit the algorithm", () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ AUTH_ALGORITHM: "RS256" }, /AUTH_SIGNING_KEY: required with AUTH_ALGORITHM=RS256/],
      [
        { AUTH_ALGORITHM: "RS256", AUTH_SIGNING_KEY: rsa.public },
        /AUTH_SIGNING_KEY: not a PEM private key: this is a public key/,
      ],
      [{ AUTH_ALGORITHM: "RS256", AUTH_SIGNING_KEY: p256.private }, /needs an RSA key/],
      [{ AUTH_ALGORITHM: "RS256", AUTH_SIGNING_KEY: rsaSmall.private }, /at least 2048 bits/],
      [{ AUTH_ALGORITHM: "ES256", AUTH_SIGNING_KEY: p384.private }, /P-256/],
      [{ AUTH_ALGORITHM: "ES256", AUTH_SIGNING_KEY: rsa.private }, /P-256/],
      [{ AUTH_ALGORITHM: "HS512" }, /AUTH_ALGORITHM/],
      [
        {
          AUTH_ALGORITHM: "ES256",
          AUTH_SIGNING_KEY: p256.private,
          AUTH_VERIFICATION_KEYS: JSON.stringify([{ kid: "old", key: p256.private }]),
        },
        /AUTH_VERIFICATION_KEYS entry 1 \(kid "old"\): .*not a private key/,
      ],
    ];
    for (const [source, expected] of cases) {
      const message = problem(source);
      expect(message).toMatch(expected);
      // Never the key material itself.
      expect(message).not.toMatch(/BEGIN|PRIVATE KEY-/);
    }
  });

  it("never mixes HS256 secrets with asymmetric keys", () => {
    expect(
      problem({ AUTH_ALGORITHM: "RS256", AUTH_SIGNING_KEY: rsa.private, AUTH_SECRET: SECRET }),
    ).toMatch(/AUTH_SECRET: HS256 secrets are not used with AUTH_ALGORITHM=RS256/);
    expect(
      problem({
        AUTH_ALGORITHM: "RS256",
        AUTH_SIGNING_KEY: rsa.private,
        AUTH_SECRET_PREVIOUS: SECRET,
      }),
    ).toMatch(/one family of keys only/);
    // With HS256 a verification key is a secret, held to the signing secret's 32-byte rule.
    expect(
      problem({
        AUTH_SECRET: SECRET,
        AUTH_VERIFICATION_KEYS: JSON.stringify([{ kid: "x", key: "short" }]),
      }),
    ).toMatch(/AUTH_VERIFICATION_KEYS entry 1 \(kid "x"\): .*32 bytes/);
  });

  it("refuses a PEM key where HS256 takes a secret: signed with a public key, anyone could sign", () => {
    const cases: [Record<string, string>, RegExp][] = [
      [
        {
          AUTH_SECRET: SECRET,
          AUTH_VERIFICATION_KEYS: JSON.stringify([{ kid: "rs-old", key: rsa.public }]),
        },
        /AUTH_VERIFICATION_KEYS entry 1 \(kid "rs-old"\): an HS256 secret must be random bytes, not a key \(this is a PEM block\)/,
      ],
      [{ AUTH_SIGNING_KEY: rsa.public }, /AUTH_SIGNING_KEY: an HS256 secret must be random bytes/],
      // AUTH_ALGORITHM forgotten while moving to a key pair: not HS256 with the PEM as a secret.
      [
        { AUTH_SIGNING_KEY: p256.private },
        /AUTH_SIGNING_KEY: .*not a key \(this is a PEM block\).*\(AUTH_ALGORITHM is HS256\)/,
      ],
    ];
    for (const [source, expected] of cases) {
      const message = problem(source);
      expect(message).toMatch(expected);
      expect(message).not.toMatch(/BEGIN |PUBLIC KEY-|PRIVATE KEY-/);
    }
  });

  it("refuses a malformed AUTH_VERIFICATION_KEYS", () => {
    expect(problem({ AUTH_VERIFICATION_KEYS: "{" })).toMatch(/AUTH_VERIFICATION_KEYS: not JSON/);
    expect(problem({ AUTH_VERIFICATION_KEYS: "{}" })).toMatch(/must be a JSON array/);
    expect(problem({ AUTH_VERIFICATION_KEYS: '[{"key":"k"}]' })).toMatch(/"kid" must be/);
    expect(
      problem({ AUTH_VERIFICATION_KEYS: `[{"kid":"a","key":"${SECRET}","retiresAt":"soon"}]` }),
    ).toMatch(/"retiresAt" must be an ISO 8601 time/);
    expect(
      problem({
        AUTH_VERIFICATION_KEYS: `[{"kid":"a","key":"${SECRET}"},{"kid":"a","key":"${SECRET}"}]`,
      }),
    ).toMatch(/kid "a" is listed twice/);
    expect(
      problem({ AUTH_VERIFICATION_KEYS: `[{"kid":"a","key":"${SECRET}","retires":"2027-01-01"}]` }),
    ).toMatch(
      /AUTH_VERIFICATION_KEYS: entry 1 \(kid "a"\): unknown field "retires"; an entry has "kid", "key" and "retiresAt"/,
    );
  });

  it("refuses AUTH_SECRET and AUTH_SIGNING_KEY together for HS256", () => {
    expect(problem({ AUTH_SECRET: SECRET, AUTH_SIGNING_KEY: SECRET })).toMatch(/not both/);
  });

  it("allows a clock leeway of at most 60 seconds", () => {
    expect(loadEnv({ ...base, AUTH_CLOCK_LEEWAY: "60" }).clockLeeway).toBe(60);
    expect(loadEnv({ ...base, AUTH_CLOCK_LEEWAY: "1m" }).clockLeeway).toBe(60);
    expect(problem({ AUTH_CLOCK_LEEWAY: "61s" })).toMatch(/AUTH_CLOCK_LEEWAY: must be at most 60s/);
    expect(problem({ AUTH_CLOCK_LEEWAY: "2m" })).toMatch(/AUTH_CLOCK_LEEWAY/);
  });
});

describe("retiredKeyWarnings", () => {
  const key = (kid: string, retiresAt?: string) => ({
    kid,
    key: p256.public,
    retiresAt: retiresAt === undefined ? undefined : Date.parse(retiresAt),
  });

  it("warns about a key whose time has passed, not about one still retiring or without a time", () => {
    const now = Date.parse("2027-02-01T00:00:00Z");
    const keys = [key("next"), key("current", "2027-03-01"), key("old", "2027-01-31T00:00:00Z")];
    expect(retiredKeyWarnings(keys, now)).toEqual([
      'AUTH_VERIFICATION_KEYS entry 3 (kid "old") retired at 2027-01-31T00:00:00Z: tokens it signed are refused; remove it.',
    ]);
  });
});
