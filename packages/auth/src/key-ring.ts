// Key rotation for HS256: one key signs, the previous ones still verify until they are retired.
import { createHmac, type KeyObject } from "node:crypto";
import { assertSecretKey } from "./keys";

export interface KeyRing {
  /** Signs every new token; its id goes into the token header as `kid`. */
  signing: { kid: string; key: KeyObject };
  /** Every key a token may name (the signing one included), by `kid`. */
  byKid: ReadonlyMap<string, KeyObject>;
}

/**
 * A key's public name: a MAC of a fixed label under the key, so it identifies the key without
 * saying anything about it that a token's own signature does not already (both need the key to
 * check a guess). Stable across restarts and instances, with nothing to configure.
 */
export function keyId(key: KeyObject): string {
  return createHmac("sha256", key).update("jwt-auth-kit key id").digest("base64url").slice(0, 16);
}

/**
 * @example
 * // After a secret change: new tokens use the new key; tokens signed with the old one keep
 * // working until they expire, then AUTH_SECRET_PREVIOUS can be emptied.
 * const ring = createKeyRing(createSecretKey(newSecret), [createSecretKey(oldSecret)]);
 */
export function createKeyRing(current: KeyObject, previous: readonly KeyObject[] = []): KeyRing {
  assertSecretKey(current);
  const signing = { kid: keyId(current), key: current };
  const byKid = new Map<string, KeyObject>([[signing.kid, current]]);
  for (const key of previous) {
    assertSecretKey(key);
    const kid = keyId(key);
    if (!byKid.has(kid)) byKid.set(kid, key);
  }
  return { signing, byKid };
}
