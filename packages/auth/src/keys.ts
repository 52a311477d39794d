// Secret keys for HS256: building one from configuration and checking one handed to us.
import { createSecretKey as createNodeSecretKey, KeyObject } from "node:crypto";

// RFC 7518 §3.2: an HS256 key must be at least as long as the hash output (256 bits).
const MIN_SECRET_BYTES = 32;

/** What every PEM block starts with (RFC 7468), on one line or several. */
const PEM_MARK = "-----BEGIN ";

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
  if (bytes.includes(PEM_MARK)) {
    throw new TypeError(
      "an HS256 secret must be random bytes, not a PEM key: a public key is no secret, and a key pair signs with RS256, PS256 or ES256.",
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
