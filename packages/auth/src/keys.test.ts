import {
  createSecretKey as createNodeSecretKey,
  generateKeyPairSync,
  randomBytes,
} from "node:crypto";
import { describe, expect, it } from "vitest";
import { assertSecretKey, createSecretKey, keyMaterialForm } from "./keys";

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

  it("refuses a key in any published form: a public key is no secret, a private one is a pair's", () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const pem = rsa.publicKey.export({ type: "spki", format: "pem" }).toString();
    const body = pem
      .split("\n")
      .filter((line) => !line.startsWith("-----"))
      .join("");
    const der = rsa.publicKey.export({ type: "spki", format: "der" });
    const forms: [string, string][] = [
      ["a PEM block", pem],
      ["a PEM block", ec.privateKey.export({ type: "pkcs8", format: "pem" }).toString()],
      ["a PEM block", pem.replaceAll("\n", "\\n")],
      ["a PEM block", pem.toLowerCase()],
      // As identity providers show a "public key": the PEM without its lines.
      ["a DER key or certificate in base64", body],
      [
        "a DER key or certificate in base64",
        ec.publicKey.export({ type: "spki", format: "der" }).toString("base64"),
      ],
      ["a DER key or certificate in base64", der.toString("base64url")],
      ["a DER key or certificate in hex", der.toString("hex")],
      [
        "a DER key or certificate in base64",
        ec.privateKey.export({ type: "pkcs8", format: "der" }).toString("base64"),
      ],
      ["a PEM block in base64", Buffer.from(pem).toString("base64")],
      ["a JWK", JSON.stringify(rsa.publicKey.export({ format: "jwk" }))],
      ["a JWK Set", JSON.stringify({ keys: [ec.publicKey.export({ format: "jwk" })] })],
      ["an OpenSSH public key", `ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ${"x".repeat(40)} ops@host`],
      [
        "an OpenSSH public key",
        `ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTY${"y".repeat(40)}`,
      ],
    ];
    for (const [form, value] of forms) {
      expect(keyMaterialForm(value), value.slice(0, 40)).toBe(form);
      expect(() => createSecretKey(value)).toThrow(
        `must be random bytes, not a key (this is ${form})`,
      );
    }
    expect(() => createSecretKey(Buffer.from(pem))).toThrow(/not a key \(this is a PEM block\)/);
  });

  it("takes random secrets in every usual encoding", () => {
    for (let i = 0; i < 200; i += 1) {
      const bytes = randomBytes(48);
      for (const secret of [
        bytes.toString("base64"),
        bytes.toString("base64url"),
        bytes.toString("hex"),
        bytes,
      ]) {
        expect(keyMaterialForm(secret)).toBeNull();
        expect(createSecretKey(secret).type).toBe("secret");
      }
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
