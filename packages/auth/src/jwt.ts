// The only door to jsonwebtoken: HS256 sign and verify, with the library's errors turned into ours.
import type { KeyObject } from "node:crypto";
import jsonwebtoken from "jsonwebtoken";
import { AuthError } from "./errors";

// Pinned: a token may not choose its own algorithm ("none", or HS384 with our key).
const ALGORITHM = "HS256";

// Our tokens are a few hundred bytes; anything this large is an attack on the parser.
export const MAX_TOKEN_LENGTH = 8 * 1024;

export type JwtPayload = Record<string, unknown>;

/** Signs `payload` exactly as given: the caller sets iat and exp itself. */
export function signJwt(payload: JwtPayload, key: KeyObject): string {
  return jsonwebtoken.sign(payload, key, { algorithm: ALGORITHM });
}

/**
 * Checks signature, algorithm and expiry at `nowSeconds`, and returns the payload.
 * Throws `AuthError` TOKEN_EXPIRED when past `exp`, INVALID_TOKEN for everything else.
 */
export function verifyJwt(token: string, key: KeyObject, nowSeconds: number): JwtPayload {
  if (typeof token !== "string" || token.length > MAX_TOKEN_LENGTH) {
    throw new AuthError("INVALID_TOKEN");
  }
  let payload: unknown;
  try {
    payload = jsonwebtoken.verify(token, key, {
      algorithms: [ALGORITHM],
      clockTimestamp: nowSeconds,
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
