// The only door to jsonwebtoken: sign and verify with the ring's one algorithm, issuer and
// audience pinned, and the library's errors turned into ours.
import type { KeyObject } from "node:crypto";
import jsonwebtoken from "jsonwebtoken";
import { AuthError } from "./errors";
import { activeKey, type KeyRing } from "./key-ring";

// Our tokens are a few hundred bytes; anything this large is an attack on the parser.
export const MAX_TOKEN_LENGTH = 8 * 1024;

// Clock skew tolerated on exp and nbf; more would stretch every token's lifetime.
export const MAX_CLOCK_LEEWAY_SECONDS = 60;

/** How far in the future (past the leeway) a token's `iat` may lie before it is refused. */
export const FUTURE_IAT_TOLERANCE_SECONDS = 60;

export type JwtPayload = Record<string, unknown>;

/** Registered claims set when signing and required when verifying, where configured. */
export interface ClaimRules {
  /** `iss`: set on every token, and a token without this exact value is refused. */
  issuer?: string;
  /** `aud`: likewise. */
  audience?: string;
  /** Seconds of clock skew allowed on `exp` (and `nbf`); 0 to 60, default 0. */
  clockLeeway?: number;
}

/**
 * Signs `payload` exactly as given (the caller sets iat and exp) with the ring's signing key,
 * under the header type `typ` (RFC 8725 §3.11: each kind of token its own, so that a verifier
 * expecting one kind cannot be handed another signed by the same key).
 */
export function signJwt(
  payload: JwtPayload,
  ring: KeyRing,
  rules: ClaimRules,
  typ: string,
): string {
  return jsonwebtoken.sign(payload, ring.signing.key, {
    algorithm: ring.algorithm,
    keyid: ring.signing.kid,
    header: { alg: ring.algorithm, typ },
    ...(rules.issuer === undefined ? {} : { issuer: rules.issuer }),
    ...(rules.audience === undefined ? {} : { audience: rules.audience }),
  });
}

/**
 * The key a token names. Its header's `alg` must be the ring's algorithm (pinned: a token may
 * not choose its own algorithm, so an HS256 token "signed" with our published RSA key is refused
 * before any key is touched). Its `kid` only selects among the configured keys: an unknown or
 * retired one is refused; none at all (a token issued before kids) means the signing key.
 * `jku`, `jwk` and `x5u` are never read: a token does not get to bring its own key.
 */
function keyFor(
  token: string,
  ring: KeyRing,
  nowMs: number,
): { key: KeyObject; kid: string | undefined; typ: unknown } {
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(token.split(".", 1)[0] ?? "", "base64url").toString());
  } catch {
    throw new AuthError("INVALID_TOKEN");
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) {
    throw new AuthError("INVALID_TOKEN");
  }
  const { alg, kid, typ } = header as { alg?: unknown; kid?: unknown; typ?: unknown };
  // RFC 7515 §4.1.11: a verifier that does not understand every extension `crit` names must
  // refuse the token. We issue none and understand none (jsonwebtoken ignores the header).
  if (Object.hasOwn(header, "crit")) {
    throw new AuthError("INVALID_TOKEN", undefined, {
      cause: new Error("crit names extensions this verifier does not understand"),
    });
  }
  if (alg !== ring.algorithm) {
    throw new AuthError("INVALID_TOKEN", undefined, {
      cause: new Error(`invalid algorithm: ${String(alg)} is not the pinned ${ring.algorithm}`),
    });
  }
  const key = typeof kid === "string" ? activeKey(ring, kid, nowMs) : undefined;
  if (kid === undefined) {
    return {
      key: ring.byKid.get(ring.signing.kid)?.key ?? ring.signing.key,
      kid: undefined,
      typ,
    };
  }
  if (!key) throw new AuthError("INVALID_TOKEN");
  return { key, kid: kid as string, typ };
}

/**
 * Checks key, signature, algorithm, issuer, audience and expiry at `nowMs` (ms since the epoch),
 * and returns the payload, which configured key verified it (its `kid`; none for a kid-less
 * token) and the header's `typ` as it was (unknown: the caller judges it). Throws `AuthError` TOKEN_EXPIRED when past `exp` (plus the leeway),
 * INVALID_TOKEN for everything else (a token naming a retired key included, expired or not, and
 * one issued more than FUTURE_IAT_TOLERANCE_SECONDS past the leeway in the future).
 */
export function verifyJwt(
  token: string,
  ring: KeyRing,
  nowMs: number,
  rules: ClaimRules = {},
  /** Seconds past `exp` (and the leeway) still accepted: for a caller that judges such a token. */
  expiredFor = 0,
): { payload: JwtPayload; kid: string | undefined; typ: unknown } {
  if (typeof token !== "string" || token.length > MAX_TOKEN_LENGTH) {
    throw new AuthError("INVALID_TOKEN");
  }
  const { key, kid, typ } = keyFor(token, ring, nowMs);
  let payload: unknown;
  try {
    payload = jsonwebtoken.verify(token, key, {
      // Pinned twice: keyFor checked the header, and the library checks it against this list.
      algorithms: [ring.algorithm],
      clockTimestamp: Math.floor(nowMs / 1000),
      clockTolerance: (rules.clockLeeway ?? 0) + expiredFor,
      ...(rules.issuer === undefined ? {} : { issuer: rules.issuer }),
      ...(rules.audience === undefined ? {} : { audience: rules.audience }),
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
  // PyJWT (the recipe this kit replaces) refuses a token issued in the future; so do we, a
  // minute past the leeway: servers whose clocks differ by a fraction of a second must take each
  // other's fresh tokens (iat counts whole seconds), and a token a minute ahead was signed by a
  // clock that is wrong (its tokens would outlive their lifetime elsewhere) or by a key's thief.
  const latestIat =
    Math.floor(nowMs / 1000) + (rules.clockLeeway ?? 0) + FUTURE_IAT_TOLERANCE_SECONDS;
  if (typeof claims.iat === "number" && !(claims.iat <= latestIat)) {
    throw new AuthError("INVALID_TOKEN");
  }
  return { payload: claims, kid, typ };
}

/** Throws a TypeError unless the rules are usable: non-empty strings, leeway 0 to 60 s. */
export function assertClaimRules(rules: ClaimRules): void {
  for (const name of ["issuer", "audience"] as const) {
    const value = rules[name];
    if (value !== undefined && (typeof value !== "string" || value.length === 0)) {
      throw new TypeError(`${name} must be a non-empty string.`);
    }
  }
  const leeway = rules.clockLeeway;
  if (
    leeway !== undefined &&
    (!Number.isSafeInteger(leeway) || leeway < 0 || leeway > MAX_CLOCK_LEEWAY_SECONDS)
  ) {
    throw new TypeError(
      `clockLeeway must be a whole number of seconds from 0 to ${MAX_CLOCK_LEEWAY_SECONDS} (got ${String(leeway)}).`,
    );
  }
}
