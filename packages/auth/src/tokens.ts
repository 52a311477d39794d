// The token service: issues and verifies access and refresh JWTs with an injectable clock.
import { type KeyObject, randomUUID } from "node:crypto";
import type { Algorithm } from "./algorithms";
import { AuthError } from "./errors";
import { type PublicJwk, publicJwks } from "./jwks";
import {
  assertClaimRules,
  type ClaimRules,
  type JwtPayload,
  MAX_TOKEN_LENGTH,
  signJwt,
  verifyJwt,
} from "./jwt";
import { activeKey, createKeyRing, type VerificationKey } from "./key-ring";
import { VerifiedAccessCache } from "./verified-access-cache";

type TokenKind = "access" | "refresh" | "device";

/**
 * Each kind's JWT header `typ` (RFC 8725 §3.11, explicit typing): access tokens are RFC 9068's
 * `at+jwt`, so a service checking it (README, "other services") refuses a refresh token or a
 * device marker signed by the same key, whose own types say what they are.
 */
export const HEADER_TYPES: Readonly<Record<TokenKind, string>> = Object.freeze({
  access: "at+jwt",
  refresh: "refresh+jwt",
  device: "device+jwt",
});

export interface AccessClaims {
  sub: string;
  email: string;
  sid: string;
  jti: string;
  iat: number;
  exp: number;
  type: "access";
  /**
   * Every other claim the token carries (an app's own, e.g. `role`), unchecked: whoever reads
   * them validates them. Empty for a token with none.
   */
  custom: Record<string, unknown>;
}

const RESERVED_CLAIM_NAMES = [
  "sub",
  "email",
  "sid",
  "jti",
  "iat",
  "exp",
  "nbf",
  "iss",
  "aud",
  "type",
  "did",
] as const;

/** A claim the kit or RFC 7519 defines: an app's own claims may not use its name. */
export type ReservedClaim = (typeof RESERVED_CLAIM_NAMES)[number];

/** Every ReservedClaim, for checks at run time. */
export const RESERVED_CLAIMS: ReadonlySet<string> = new Set<string>(RESERVED_CLAIM_NAMES);

export interface RefreshClaims {
  sub: string;
  sid: string;
  jti: string;
  iat: number;
  exp: number;
  type: "refresh";
}

/**
 * A device marker (OWASP's "device cookie"): proof that this device signed in to this account
 * successfully before. It names the user and a random device id; it grants nothing by itself.
 */
export interface DeviceClaims {
  sub: string;
  /** The device id: random, kept across sign-ins of this device to this account. */
  did: string;
  iat: number;
  exp: number;
  type: "device";
}

export interface TokenServiceConfig extends ClaimRules {
  /** HS256 (default), RS256, PS256 or ES256: the only algorithm signed with and accepted. */
  algorithm?: Algorithm;
  /** Signs new tokens (and verifies them): the secret for HS256, else the private key. */
  key: KeyObject;
  /** The signing key's `kid`; default derived from the key (see keyId). */
  keyId?: string;
  /**
   * Keys that only verify (secrets for HS256, public keys otherwise), each with an optional
   * `kid` and `retiresAt`: keys rotated out, or the next key published before it signs. Tokens
   * they signed still verify, until the key's `retiresAt` when one is
   * given (checked against `now`), else until the key is removed from this list.
   */
  previousKeys?: readonly (KeyObject | VerificationKey)[];
  /** Seconds; see parseDuration. */
  accessTtl: number;
  /** Seconds; see parseDuration. */
  refreshTtl: number;
  /** ms since epoch; default Date.now */
  now?: () => number;
  /**
   * Access tokens kept as verified (by their signature's SHA-256), so the same token presented
   * again skips the signature check; expiry and the key's retirement are still checked on every
   * call (see VerifiedAccessCache). Default 0: none.
   */
  verifiedAccessCacheSize?: number;
}

export interface IssuedToken<C> {
  token: string;
  claims: C;
}

export interface TokenService {
  /**
   * `custom`: an app's own claims, signed into the token beside the kit's (JSON values; names
   * in RESERVED_CLAIMS are refused with a TypeError).
   */
  issueAccess(input: {
    userId: string;
    email: string;
    sessionId: string;
    custom?: Record<string, unknown>;
    /**
     * Seconds since the epoch that cap exp (the session's own end): an access token must not
     * outlive its session, or its last calls would read as a revocation. Throws AuthError
     * TOKEN_EXPIRED when it is not after now.
     */
    notAfter?: number;
  }): IssuedToken<AccessClaims>;
  /**
   * jti defaults to crypto.randomUUID(); notAfter (seconds since epoch) caps exp:
   * exp = min(iat + refreshTtl, notAfter), for an absolute session lifetime.
   * Throws AuthError TOKEN_EXPIRED when notAfter is not after now: the session is over.
   * issuedAt (seconds since epoch, default now) re-creates a token issued earlier: the same
   * claims (jti included), so it is the same refresh token to the server; with HS256 and RS256
   * even the same string, while PS256 and ES256 signatures are randomised (used to hand a second
   * tab the refresh token the first one just received, without storing tokens).
   */
  issueRefresh(input: {
    userId: string;
    sessionId: string;
    jti?: string;
    notAfter?: number;
    issuedAt?: number;
  }): IssuedToken<RefreshClaims>;
  /**
   * The token's claims, frozen (custom claims too): the same token again gets the same object
   * from the verified-token cache. Throws AuthError: TOKEN_EXPIRED, WRONG_TOKEN_TYPE or
   * INVALID_TOKEN.
   */
  verifyAccess(token: string): AccessClaims;
  /**
   * Throws AuthError: TOKEN_EXPIRED, WRONG_TOKEN_TYPE or INVALID_TOKEN. With `expiredFor`, a
   * token up to that many seconds past its `exp` (and the leeway) passes too: for refresh's
   * grace window, which honours a token rotated out in its last moments for the client that
   * rotated it, and must judge such a token itself (it is good for nothing else).
   */
  verifyRefresh(token: string, options?: { expiredFor: number }): RefreshClaims;
  /** A device marker for `userId`, living `ttl` seconds; deviceId defaults to a new random id. */
  issueDevice(input: { userId: string; deviceId?: string; ttl: number }): IssuedToken<DeviceClaims>;
  /** Throws AuthError: TOKEN_EXPIRED, WRONG_TOKEN_TYPE or INVALID_TOKEN. */
  verifyDevice(token: string): DeviceClaims;
  /**
   * The public keys that verify at this moment as a JSON Web Key Set, for other services; null
   * with HS256 (a shared secret is never published).
   */
  jwks(): { keys: PublicJwk[] } | null;
}

/**
 * @example
 * const tokens = createTokenService({
 *   key: createSecretKey(secret),
 *   accessTtl: parseDuration("15m"),
 *   refreshTtl: parseDuration("7d"),
 * });
 * const { token } = tokens.issueAccess({ userId, email, sessionId });
 * const claims = tokens.verifyAccess(token);
 */
export function createTokenService(config: TokenServiceConfig): TokenService {
  const ring = createKeyRing(config.key, config.previousKeys, {
    algorithm: config.algorithm,
    kid: config.keyId,
  });
  const rules: ClaimRules = {
    issuer: config.issuer,
    audience: config.audience,
    clockLeeway: config.clockLeeway,
  };
  assertClaimRules(rules);
  assertWholeSeconds("accessTtl", config.accessTtl, 1);
  assertWholeSeconds("refreshTtl", config.refreshTtl, 1);
  const { accessTtl, refreshTtl } = config;
  const now = config.now ?? Date.now;
  const nowSeconds = () => Math.floor(now() / 1000);
  const verified = new VerifiedAccessCache<AccessClaims>(config.verifiedAccessCacheSize ?? 0);
  const keyAccepts = (kid: string | undefined, nowMs: number) =>
    kid === undefined || activeKey(ring, kid, nowMs) !== undefined;

  return {
    issueAccess({ userId, email, sessionId, custom = {}, notAfter }) {
      assertNonEmpty("userId", userId);
      assertNonEmpty("sessionId", sessionId);
      if (typeof email !== "string") throw new TypeError("email must be a string.");
      for (const name of Object.keys(custom)) {
        if (RESERVED_CLAIMS.has(name)) throw new TypeError(`"${name}" is the kit's claim.`);
      }
      if (notAfter !== undefined) assertWholeSeconds("notAfter", notAfter, 1);
      const iat = nowSeconds();
      const ends = notAfter === undefined ? iat + accessTtl : Math.min(iat + accessTtl, notAfter);
      if (ends <= iat) throw new AuthError("TOKEN_EXPIRED", "Session expired.");
      const claims: AccessClaims = {
        sub: userId,
        email,
        sid: sessionId,
        jti: randomUUID(),
        iat,
        exp: ends,
        type: "access",
        custom: { ...custom },
      };
      // The kit's claims first, then the app's (never the same names: refused above). Written
      // out, not `{ ...own, ...kit }`: on Node 20 (V8 11) every property added to an object
      // made by a spread costs ~1.5 µs, ~11 µs a token here (packages/bench/PERFORMANCE.md).
      const { sub, sid, jti, exp, type } = claims;
      const payload = { sub, email, sid, jti, iat, exp, type, ...claims.custom };
      return { token: signJwt(payload, ring, rules, HEADER_TYPES.access), claims };
    },

    issueRefresh({ userId, sessionId, jti = randomUUID(), notAfter, issuedAt }) {
      assertNonEmpty("userId", userId);
      assertNonEmpty("sessionId", sessionId);
      assertNonEmpty("jti", jti);
      if (notAfter !== undefined) assertWholeSeconds("notAfter", notAfter, 1);
      if (issuedAt !== undefined) assertWholeSeconds("issuedAt", issuedAt, 1);
      const iat = issuedAt ?? nowSeconds();
      const exp = Math.min(iat + refreshTtl, notAfter ?? Number.POSITIVE_INFINITY);
      // A token born expired is useless; say so instead of handing one out.
      if (exp <= iat) throw new AuthError("TOKEN_EXPIRED", "Session expired.");
      const claims: RefreshClaims = { sub: userId, sid: sessionId, jti, iat, exp, type: "refresh" };
      return { token: signJwt({ ...claims }, ring, rules, HEADER_TYPES.refresh), claims };
    },

    verifyAccess(token) {
      const cacheable =
        verified.maxEntries > 0 && typeof token === "string" && token.length <= MAX_TOKEN_LENGTH;
      if (cacheable) {
        const hit = verified.get(token, now(), keyAccepts);
        if (hit) return hit;
      }
      const { payload, kid } = verifyKind(token, "access");
      if (typeof payload.email !== "string") throw new AuthError("INVALID_TOKEN");
      // Frozen, custom claims too: the cache hands this very object to every later call with
      // the same token, so nobody may change it in place.
      // Added to baseClaims' own object, not spread from it (see issueAccess).
      const claims: AccessClaims = Object.freeze(
        Object.assign(baseClaims(payload), {
          email: payload.email,
          type: "access" as const,
          custom: Object.freeze(customClaims(payload)),
        }),
      );
      // A token with nbf is never cached: its check would have to be repeated on every hit.
      if (cacheable && payload.nbf === undefined) {
        verified.set(token, claims, kid, rules.clockLeeway ?? 0);
      }
      return claims;
    },

    verifyRefresh(token, options) {
      if (options) assertWholeSeconds("expiredFor", options.expiredFor, 0);
      const { payload } = verifyKind(token, "refresh", options?.expiredFor);
      return Object.assign(baseClaims(payload), { type: "refresh" as const });
    },

    issueDevice({ userId, deviceId = randomUUID(), ttl }) {
      assertNonEmpty("userId", userId);
      assertNonEmpty("deviceId", deviceId);
      assertWholeSeconds("ttl", ttl, 1);
      const iat = nowSeconds();
      const claims: DeviceClaims = {
        sub: userId,
        did: deviceId,
        iat,
        exp: iat + ttl,
        type: "device",
      };
      return { token: signJwt({ ...claims }, ring, rules, HEADER_TYPES.device), claims };
    },

    verifyDevice(token) {
      const { payload } = verifyKind(token, "device");
      const { sub, did, iat, exp } = payload;
      if (
        !isNonEmptyString(sub) ||
        !isNonEmptyString(did) ||
        typeof iat !== "number" ||
        typeof exp !== "number"
      ) {
        throw new AuthError("INVALID_TOKEN");
      }
      return { sub, did, iat, exp, type: "device" };
    },

    jwks() {
      return publicJwks(ring, now());
    },
  };

  // Order matters to the API's error codes: signature and expiry, then type, then shape.
  function verifyKind(
    token: string,
    kind: TokenKind,
    expiredFor?: number,
  ): { payload: JwtPayload; kid: string | undefined } {
    const verifiedJwt = verifyJwt(token, ring, now(), rules, expiredFor);
    if (verifiedJwt.payload.type !== kind) throw new AuthError("WRONG_TOKEN_TYPE");
    // Its own header type, or the plain "JWT" every token carried before they had their own
    // (a device marker lives a year); a header naming another kind is no token we signed.
    const { typ } = verifiedJwt;
    if (typ !== HEADER_TYPES[kind] && typ !== "JWT" && typ !== undefined) {
      throw new AuthError("INVALID_TOKEN");
    }
    return verifiedJwt;
  }
}

// Copies only the claims we know, so extra claims in a token never leak to callers.
function baseClaims(payload: JwtPayload): Omit<RefreshClaims, "type"> {
  const { sub, sid, jti, iat, exp } = payload;
  if (
    !isNonEmptyString(sub) ||
    !isNonEmptyString(sid) ||
    !isNonEmptyString(jti) ||
    typeof iat !== "number" ||
    !Number.isFinite(iat) ||
    typeof exp !== "number"
  ) {
    throw new AuthError("INVALID_TOKEN");
  }
  return { sub, sid, jti, iat, exp };
}

/** The claims beside the kit's, kept apart so that nothing reads them by accident. */
function customClaims(payload: JwtPayload): Record<string, unknown> {
  const custom: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (!RESERVED_CLAIMS.has(name)) custom[name] = value;
  }
  return custom;
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === "string" && value.length > 0;
}

function assertNonEmpty(name: string, value: unknown): void {
  if (!isNonEmptyString(value)) throw new TypeError(`${name} must be a non-empty string.`);
}

/** Throws unless `value` is a whole number of seconds, at least `least` (0 or 1). */
function assertWholeSeconds(name: string, value: unknown, least: 0 | 1): void {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < least) {
    const range =
      least === 1 ? "a positive whole number of seconds" : "a whole number of seconds, 0 or more";
    throw new TypeError(`${name} must be ${range} (got ${String(value)}).`);
  }
}
