// The floors' token check: HS256 with node:crypto alone (createHmac + timingSafeEqual, exp).
import { createHmac, timingSafeEqual } from "node:crypto";

export interface FloorClaims {
  sub: string;
  sid: string;
  exp: number;
}

const HEADER = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url");

function mac(secret: Buffer, signingInput: string): Buffer {
  return createHmac("sha256", secret).update(signingInput).digest();
}

/** A token the floors accept; the bench signs them, the floors never do. */
export function signFloorToken(claims: FloorClaims, secret: Buffer): string {
  const body = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}`;
  return `${body}.${mac(secret, body).toString("base64url")}`;
}

/**
 * The claims of a valid, unexpired token, else null. The header must be exactly ours: a token
 * may not choose its own algorithm, so it is compared, not parsed.
 */
export function verifyFloorToken(
  token: string,
  secret: Buffer,
  nowSeconds: number,
): FloorClaims | null {
  const [header, payload, signature, extra] = token.split(".");
  if (
    header !== HEADER ||
    payload === undefined ||
    signature === undefined ||
    extra !== undefined
  ) {
    return null;
  }
  const expected = mac(secret, `${header}.${payload}`);
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString()) as Partial<FloorClaims>;
    if (typeof claims.sub !== "string" || typeof claims.sid !== "string") return null;
    if (typeof claims.exp !== "number" || claims.exp <= nowSeconds) return null;
    return claims as FloorClaims;
  } catch {
    return null;
  }
}

/** The Bearer token of an Authorization header, or null. */
export function bearerOf(header: string | undefined): string | null {
  return header?.startsWith("Bearer ") ? header.slice(7) : null;
}
