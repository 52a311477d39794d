import { createSecretKey as createNodeSecretKey, generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { assertSecretKey, createSecretKey } from "./keys";

describe("createSecretKey", () => {
  it("rejects a secret of 31 bytes", () => {
    expect(() => createSecretKey("a".repeat(31))).toThrow(TypeError);
    expect(() => createSecretKey(new Uint8Array(31))).toThrow(TypeError);
  });

  it("accepts 32 bytes and returns a secret KeyObject", () => {
    const key = createSecretKey("a".repeat(32));
    expect(key.type).toBe("secret");
    expect(key.symmetricKeySize).toBe(32);
    expect(createSecretKey(new Uint8Array(32)).symmetricKeySize).toBe(32);
  });

  it("counts UTF-8 bytes, not characters", () => {
    // 16 two-byte characters are 32 bytes.
    expect(createSecretKey("é".repeat(16)).symmetricKeySize).toBe(32);
  });

  it("refuses a PEM key: a public key is no secret, a private one belongs to a key pair", () => {
    const pair = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const publicPem = pair.publicKey.export({ type: "spki", format: "pem" }).toString();
    const privatePem = pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    for (const pem of [publicPem, privatePem, publicPem.replaceAll("\n", "\\n")]) {
      expect(() => createSecretKey(pem)).toThrow(/must be random bytes, not a PEM key/);
      expect(() => createSecretKey(Buffer.from(pem))).toThrow(/not a PEM key/);
    }
  });

  it("does not put the secret in its error message", () => {
    let message = "";
    try {
      createSecretKey("short-secret");
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("at least 32 bytes (got 12)");
    expect(message).not.toContain("short-secret");
  });
});

describe("assertSecretKey", () => {
  it("rejects a string, a short key and an asymmetric key", () => {
    expect(() => assertSecretKey("a".repeat(64))).toThrow(TypeError);
    expect(() => assertSecretKey(createNodeSecretKey(Buffer.alloc(16)))).toThrow(TypeError);
    const { privateKey } = generateKeyPairSync("ed25519");
    expect(() => assertSecretKey(privateKey)).toThrow(TypeError);
  });
});
