// Reads `exp`, `iat` and `sub` from a JWT without verifying it: the client only decides when to
// refresh and whose tokens it holds; the server is the one that verifies.

/** Seconds since the epoch, as in the claims. */
export interface JwtTimes {
  exp: number;
  iat: number | null;
}

function decodeBase64Url(text: string): string {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
  const binary = atob(padded);
  return new TextDecoder().decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
}

/** The payload's claims, or null when the token is not a JWT with an object payload. */
function readClaims(token: string): Record<string, unknown> | null {
  const parts = token.split(".");
  const payload = parts[1];
  if (parts.length !== 3 || !payload) return null;
  try {
    const claims: unknown = JSON.parse(decodeBase64Url(payload));
    return typeof claims === "object" && claims !== null
      ? (claims as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/**
 * The token's `exp` and `iat`, or null when it is not a JWT with a numeric `exp` (an opaque or
 * malformed token is never refreshed early; a TOKEN_EXPIRED answer still triggers a refresh).
 */
export function readJwtTimes(token: string): JwtTimes | null {
  const claims = readClaims(token);
  if (claims === null) return null;
  const { exp, iat } = claims;
  if (typeof exp !== "number" || !Number.isFinite(exp)) return null;
  return { exp, iat: typeof iat === "number" && Number.isFinite(iat) ? iat : null };
}

/** Whose token it is (`sub`), or null when that cannot be read. */
export function readJwtSubject(token: string): string | null {
  const sub = readClaims(token)?.sub;
  return typeof sub === "string" ? sub : null;
}

/** Expired as the server sees it: jsonwebtoken rejects from the second `exp` on. */
export function hasExpired(times: JwtTimes, nowSeconds: number): boolean {
  return nowSeconds >= times.exp;
}

/**
 * Due for a proactive refresh: within `skewSeconds` of `exp`. The margin is capped at half the
 * token's lifetime, so a server configured with access tokens shorter than the skew does not
 * get a refresh before every single call.
 */
export function refreshDue(times: JwtTimes, nowSeconds: number, skewSeconds: number): boolean {
  const lifetime = times.iat === null ? Number.POSITIVE_INFINITY : times.exp - times.iat;
  const margin = Math.min(skewSeconds, Math.max(0, lifetime / 2));
  return times.exp - nowSeconds <= margin;
}
