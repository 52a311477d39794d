// Key rotation: one key signs, any number verify (each named by a kid) until they are retired.
import { createHash, createHmac, createPublicKey, KeyObject } from "node:crypto";
import { type Algorithm, assertKeyFor, isAsymmetric } from "./algorithms";

/** A key that only verifies, and when it stops verifying. */
export interface VerificationKey {
  /** A secret (HS256) or a public key (RS256, PS256, ES256). */
  key: KeyObject;
  /** The id tokens name it by; default derived from the key (see keyId). */
  kid?: string;
  /**
   * From this instant on (a Date, or ms since the epoch like `Date.now()`) a token naming the
   * key is refused, whatever its own `exp`. Unset: it verifies until it is taken off the ring.
   */
  retiresAt?: Date | number;
}

/** A key on the ring, under the id that tokens name it by. */
export interface RingKey {
  kid: string;
  key: KeyObject;
  /** ms since the epoch; undefined for a key that never retires (the signing key always). */
  retiresAt: number | undefined;
}

export interface KeyRingOptions {
  /** Every key on the ring is of this algorithm's family; default HS256. */
  algorithm?: Algorithm;
  /** The signing key's id; default derived from the key (see keyId). */
  kid?: string;
}

export interface KeyRing {
  /** Every token is signed and verified with this one algorithm. */
  algorithm: Algorithm;
  /**
   * Signs every new token (the secret, or the private key); its id goes into the token header
   * as `kid`. It never retires.
   */
  signing: RingKey;
  /** Every key a token may name (the signing one too, as its public key), by `kid`. */
  byKid: ReadonlyMap<string, RingKey>;
}

/**
 * A key's public name when none is configured. For a secret: a MAC of a fixed label under the
 * key, so it says nothing about the key that a token's own signature does not already. For a
 * public or private key: the RFC 7638 thumbprint of the public key, the id other services
 * compute for themselves. Stable across restarts and instances, with nothing to configure.
 */
export function keyId(key: KeyObject): string {
  if (key.type === "secret") {
    return createHmac("sha256", key).update("jwt-auth-kit key id").digest("base64url").slice(0, 16);
  }
  const jwk = (key.type === "private" ? createPublicKey(key) : key).export({ format: "jwk" });
  // RFC 7638 §3.2: the required members only, in lexicographic order, no whitespace.
  const required = jwk.kty === "EC" ? ["crv", "kty", "x", "y"] : ["e", "kty", "n"];
  const canonical = `{${required.map((name) => `"${name}":${JSON.stringify(jwk[name])}`).join(",")}}`;
  return createHash("sha256").update(canonical).digest("base64url");
}

/**
 * @example
 * // After a secret change: new tokens use the new key; tokens signed with the old one keep
 * // working until it retires (by then every token it signed has expired anyway).
 * const ring = createKeyRing(createSecretKey(newSecret), [
 *   { key: createSecretKey(oldSecret), retiresAt: new Date("2027-01-31T00:00:00Z") },
 * ]);
 * // ES256: a private key signs; the previous key's public half still verifies.
 * const es = createKeyRing(privateKey, [{ kid: "2026-11", key: oldPublicKey }], {
 *   algorithm: "ES256",
 *   kid: "2026-12",
 * });
 */
export function createKeyRing(
  current: KeyObject,
  previous: readonly (KeyObject | VerificationKey)[] = [],
  options: KeyRingOptions = {},
): KeyRing {
  const algorithm = options.algorithm ?? "HS256";
  // One family per ring: a secret next to public keys is how alg-confusion attacks begin.
  assertKeyFor(algorithm, current, "sign");
  const signingKid = kidOf(options.kid, current);
  const signing: RingKey = { kid: signingKid, key: current, retiresAt: undefined };
  const verifying = isAsymmetric(algorithm) ? createPublicKey(current) : current;
  const byKid = new Map<string, RingKey>([
    [signingKid, { kid: signingKid, key: verifying, retiresAt: undefined }],
  ]);
  for (const entry of previous) {
    const { key, kid, retiresAt } = entry instanceof KeyObject ? { key: entry } : entry;
    assertKeyFor(algorithm, key, "verify");
    const id = kidOf(kid, key);
    const known = byKid.get(id);
    if (known) {
      // The same key listed twice keeps its first entry (the signing key never retires); two
      // different keys under one kid would make the kid mean nothing.
      if (!known.key.equals(key)) throw new TypeError(`Two different keys share the kid "${id}".`);
      continue;
    }
    byKid.set(id, { kid: id, key, retiresAt: instant(retiresAt) });
  }
  return { algorithm, signing, byKid };
}

/**
 * The key named `kid`, if it is on the ring and not retired at `nowMs`; else undefined.
 * Retirement is checked before any signature: a retired key is as good as an unknown one.
 */
export function activeKey(ring: KeyRing, kid: string, nowMs: number): KeyObject | undefined {
  const entry = ring.byKid.get(kid);
  if (!entry) return undefined;
  if (entry.retiresAt !== undefined && nowMs >= entry.retiresAt) return undefined;
  return entry.key;
}

function kidOf(kid: string | undefined, key: KeyObject): string {
  if (kid === undefined) return keyId(key);
  if (typeof kid !== "string" || !/^[\x21-\x7e]{1,128}$/.test(kid)) {
    throw new TypeError("A kid must be 1 to 128 printable ASCII characters without spaces.");
  }
  return kid;
}

function instant(value: Date | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = value instanceof Date ? value.getTime() : value;
  if (typeof ms !== "number" || !Number.isFinite(ms)) {
    throw new TypeError("retiresAt must be a valid Date or a finite number of ms since the epoch.");
  }
  return ms;
}
