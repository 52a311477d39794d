// Key rotation for HS256: one key signs, the previous ones still verify until they are retired.
import { createHmac, KeyObject } from "node:crypto";
import { assertSecretKey } from "./keys";

/** A key rotated out, and when it stops verifying. */
export interface VerificationKey {
  key: KeyObject;
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

export interface KeyRing {
  /** Signs every new token; its id goes into the token header as `kid`. It never retires. */
  signing: RingKey;
  /** Every key a token may name (the signing one included), by `kid`. */
  byKid: ReadonlyMap<string, RingKey>;
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
 * // working until it retires (by then every token it signed has expired anyway).
 * const ring = createKeyRing(createSecretKey(newSecret), [
 *   { key: createSecretKey(oldSecret), retiresAt: new Date("2027-01-31T00:00:00Z") },
 * ]);
 */
export function createKeyRing(
  current: KeyObject,
  previous: readonly (KeyObject | VerificationKey)[] = [],
): KeyRing {
  assertSecretKey(current);
  const signing: RingKey = { kid: keyId(current), key: current, retiresAt: undefined };
  const byKid = new Map<string, RingKey>([[signing.kid, signing]]);
  for (const entry of previous) {
    const { key, retiresAt } = entry instanceof KeyObject ? { key: entry } : entry;
    assertSecretKey(key);
    const kid = keyId(key);
    // The signing key never retires, and a key listed twice keeps its first entry.
    if (!byKid.has(kid)) byKid.set(kid, { kid, key, retiresAt: instant(retiresAt) });
  }
  return { signing, byKid };
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

function instant(value: Date | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = value instanceof Date ? value.getTime() : value;
  if (typeof ms !== "number" || !Number.isFinite(ms)) {
    throw new TypeError("retiresAt must be a valid Date or a finite number of ms since the epoch.");
  }
  return ms;
}
