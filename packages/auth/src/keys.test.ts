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
