// Secret keys for HS256: building one from configuration and checking one handed to us.
import {
  createSecretKey as createNodeSecretKey,
  createPrivateKey,
  createPublicKey,
  KeyObject,
  X509Certificate,
} from "node:crypto";

// RFC 7518 §3.2: an HS256 key must be at least as long as the hash output (256 bits).
const MIN_SECRET_BYTES = 32;

// The forms a public key is published in, which an operator might paste where a secret goes.
const PEM_MARK = /-{3,}\s*BEGIN/i;
const OPENSSH_PUBLIC = /^\s*(ssh-[a-z0-9]+|ecdsa-sha2-[a-z0-9]+|sk-[a-z0-9-]+@openssh\.com)\s+AAAA/;
const BASE64 = /^[A-Za-z0-9+/=_\-\s]+$/;
const HEX = /^[0-9a-fA-F\s]+$/;

/**
 * What kind of key `value` holds, if it is one: a PEM block (RFC 7468), an OpenSSH public key,
 * a JWK or JWK Set, or a DER key or certificate in base64 (a PEM without its lines, as identity
 * providers show a "public key"), base64url or hex, or a PEM in base64. Null for anything else,
 * random bytes among them: a secret. The message never repeats the value.
 *
 * @example
 * keyMaterialForm("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA…") // "a DER key or certificate in base64"
 */
export function keyMaterialForm(value: string | Uint8Array): string | null {
  const text = typeof value === "string" ? value : Buffer.from(value).toString("utf8");
  if (PEM_MARK.test(text)) return "a PEM block";
  if (OPENSSH_PUBLIC.test(text)) return "an OpenSSH public key";
  const trimmed = text.trim();
  if (trimmed.startsWith("{")) {
    try {
      const parsed = JSON.parse(trimmed) as Record<string, unknown>;
      if ("kty" in parsed) return "a JWK";
      if (Array.isArray(parsed.keys)) return "a JWK Set";
    } catch {
      // Not JSON: judged below as any other text.
    }
  }
  const compact = trimmed.replace(/\s+/g, "");
  const decodings: [string, Buffer][] = [];
  if (HEX.test(compact) && compact.length % 2 === 0) {
    decodings.push(["hex", Buffer.from(compact, "hex")]);
  }
  if (BASE64.test(compact)) {
    decodings.push([
      "base64",
      Buffer.from(compact, compact.includes("-") || compact.includes("_") ? "base64url" : "base64"),
    ]);
  }
  for (const [encoding, bytes] of decodings) {
    if (PEM_MARK.test(bytes.toString("latin1"))) return `a PEM block in ${encoding}`;
    if (isDerKey(bytes)) return `a DER key or certificate in ${encoding}`;
  }
  return null;
}

const DER_READERS: ReadonlyArray<(bytes: Buffer) => unknown> = [
  (key) => createPublicKey({ key, format: "der", type: "spki" }),
  (key) => createPublicKey({ key, format: "der", type: "pkcs1" }),
  (key) => createPrivateKey({ key, format: "der", type: "pkcs8" }),
  (key) => createPrivateKey({ key, format: "der", type: "sec1" }),
  (key) => new X509Certificate(key),
];

function isDerKey(bytes: Buffer): boolean {
  // Every DER key or certificate is an ASN.1 SEQUENCE (0x30): random bytes rarely start so,
  // and then rarely parse.
  if (bytes.length < 32 || bytes[0] !== 0x30) return false;
  return DER_READERS.some((read) => {
    try {
      read(bytes);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Wraps a secret in a `KeyObject`. Prefer this over passing the string to jsonwebtoken:
 * with a string it first tries to parse it as a public key, which makes verify ~80x slower.
 *
 * @example
 * const key = createSecretKey(env.JWT_SECRET);
 */
export function createSecretKey(secret: string | Uint8Array): KeyObject {
  const bytes = typeof secret === "string" ? Buffer.from(secret, "utf8") : Buffer.from(secret);
  // A public key is no secret: HMAC keyed with one lets anyone who has it sign (the algorithm
  // confusion of RFC 8725 §2.1, let in through configuration). A private key means a key pair.
  const form = keyMaterialForm(bytes);
  if (form !== null) {
    throw new TypeError(
      `an HS256 secret must be random bytes, not a key (this is ${form}): a public key is no secret, and a key pair signs with RS256, PS256 or ES256.`,
    );
  }
  // The message gives the length only: the secret itself must never reach a log.
  if (bytes.length < MIN_SECRET_BYTES) {
    throw new TypeError(
      `JWT secret must be at least ${MIN_SECRET_BYTES} bytes (got ${bytes.length}).`,
    );
  }
  return createNodeSecretKey(bytes);
}

/** Throws a TypeError unless `key` is a symmetric KeyObject long enough for HS256. */
export function assertSecretKey(key: unknown): asserts key is KeyObject {
  if (!(key instanceof KeyObject) || key.type !== "secret") {
    throw new TypeError("Token key must be a secret KeyObject; build it with createSecretKey().");
  }
  const size = key.symmetricKeySize ?? 0;
  if (size < MIN_SECRET_BYTES) {
    throw new TypeError(`Token key must be at least ${MIN_SECRET_BYTES} bytes (got ${size}).`);
  }
}
