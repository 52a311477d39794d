// The JSON Web Key Set: the public keys other services verify our tokens with.

import { isAsymmetric } from "./algorithms";
import { activeKey, type KeyRing } from "./key-ring";

/** One published key: the public members only, with its kid, algorithm and use. */
export interface PublicJwk {
  kty: string;
  kid: string;
  alg: string;
  use: "sig";
  [member: string]: unknown;
}

// The members a public RSA or EC key has (RFC 7518 §6); anything else is left out on purpose,
// so a private member ("d", "p", "q"...) can never slip into the document.
const PUBLIC_MEMBERS = ["crv", "x", "y", "n", "e"] as const;

/**
 * `{ keys: [...] }` for every key on the ring that verifies at `nowMs`, or null for HS256 (a
 * shared secret is never published).
 */
export function publicJwks(ring: KeyRing, nowMs: number): { keys: PublicJwk[] } | null {
  if (!isAsymmetric(ring.algorithm)) return null;
  const keys: PublicJwk[] = [];
  for (const { kid } of ring.byKid.values()) {
    const key = activeKey(ring, kid, nowMs);
    if (key?.type !== "public") continue;
    const jwk = key.export({ format: "jwk" }) as Record<string, unknown>;
    const published: PublicJwk = { kty: String(jwk.kty), kid, alg: ring.algorithm, use: "sig" };
    for (const member of PUBLIC_MEMBERS) {
      if (jwk[member] !== undefined) (published as Record<string, unknown>)[member] = jwk[member];
    }
    keys.push(published);
  }
  return { keys };
}
