// The only door to jsonwebtoken: HS256 sign and verify, with the library's errors turned into ours.
import type { KeyObject } from "node:crypto";
import jsonwebtoken from "jsonwebtoken";
import { AuthError } from "./errors";
import { activeKey, type KeyRing } from "./key-ring";

// Pinned: a token may not choose its own algorithm ("none", or HS384 with our key).
const ALGORITHM = "HS256";

// Our tokens are a few hundred bytes; anything this large is an attack on the parser.
export const MAX_TOKEN_LENGTH = 8 * 1024;

export type JwtPayload = Record<string, unknown>;

/** Signs `payload` exactly as given (the caller sets iat and exp) with the ring's signing key. */
export function signJwt(payload: JwtPayload, ring: KeyRing): string {
  return jsonwebtoken.sign(payload, ring.signing.key, {
    algorithm: ALGORITHM,
    keyid: ring.signing.kid,
  });
}

/**
 * The key a token names. With one key there is nothing to choose (the signature decides); with
 * several, the header's `kid` picks one, a token without `kid` (issued before rotation was
 * configured) gets the signing key, and an unknown or retired `kid` is refused outright.
 */
function keyFor(token: string, ring: KeyRing, nowMs: number): KeyObject {
  if (ring.byKid.size === 1) return ring.signing.key;
  let kid: unknown;
  try {
    const header = JSON.parse(Buffer.from(token.split(".", 1)[0] ?? "", "base64url").toString());
    kid = header?.kid;
  } catch {
    throw new AuthError("INVALID_TOKEN");
  }
  if (kid === undefined) return ring.signing.key;
  const key = typeof kid === "string" ? activeKey(ring, kid, nowMs) : undefined;
  if (!key) throw new AuthError("INVALID_TOKEN");
  return key;
}

/**
 * Checks key, signature, algorithm and expiry at `nowMs` (ms since the epoch), and returns the
 * payload. Throws `AuthError` TOKEN_EXPIRED when past `exp`, INVALID_TOKEN for everything else
 * (a token naming a retired key included, expired or not).
 */
export function verifyJwt(token: string, ring: KeyRing, nowMs: number): JwtPayload {
  if (typeof token !== "string" || token.length > MAX_TOKEN_LENGTH) {
    throw new AuthError("INVALID_TOKEN");
  }
  const key = keyFor(token, ring, nowMs);
  let payload: unknown;
  try {
    payload = jsonwebtoken.verify(token, key, {
      algorithms: [ALGORITHM],
      clockTimestamp: Math.floor(nowMs / 1000),
    });
  } catch (error) {
    // TokenExpiredError is thrown only after the signature has been checked.
    if (error instanceof jsonwebtoken.TokenExpiredError) {
      throw new AuthError("TOKEN_EXPIRED", undefined, { cause: error });
    }
    throw new AuthError("INVALID_TOKEN", undefined, { cause: error });
  }
  // A signed string payload is a valid JWS but not a token of ours.
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    throw new AuthError("INVALID_TOKEN");
  }
  const claims = payload as JwtPayload;
  // jsonwebtoken lets a token without exp live forever; we never issue one, so never accept one.
  // Infinity (JSON "1e999") would also pass its check, hence isFinite.
  if (typeof claims.exp !== "number" || !Number.isFinite(claims.exp)) {
    throw new AuthError("INVALID_TOKEN");
  }
  return claims;
}
