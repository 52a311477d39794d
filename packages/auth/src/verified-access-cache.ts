// Access tokens already verified, so a client calling again with the same token skips the
// signature check and the JSON parsing (about 15 µs of a protected call's ~30 µs of auth work).
import { hash } from "node:crypto";

/** What the cache needs of the claims it keeps (AccessClaims in tokens.ts). */
interface CachedClaims {
  exp: number;
  custom: Record<string, unknown>;
}

interface Entry<C extends CachedClaims> {
  claims: C;
  /** The key that verified it (undefined: a token without kid, checked with the signing key). */
  kid: string | undefined;
  /** Last second (exclusive) the token is accepted: `exp` plus the clock leeway. */
  acceptedBefore: number;
  /** The token up to its last dot (header and payload): without the signature, not usable. */
  signed: string;
}

/**
 * A bounded map of tokens already verified to what verifying them gave. An entry is filed under
 * the SHA-256 of the token's signature and holds the rest of the token (its signed part): the
 * cache never holds a usable credential, and never compares one as a string. A hit needs both
 * to match, so only a byte-for-byte identical token hits (the same signature under another
 * header or payload is verified in full like any new token, and refused).
 * Digesting the signature alone (43 characters with HS256) rather than the whole token takes
 * a third off the digest, which every protected call pays (packages/bench/PERFORMANCE.md); the
 * signed part costs ~0.4 KB of the ~1.2 KB an entry holds.
 * A hit is still checked against the clock (`exp` with the leeway, exactly as on a miss) and
 * against its key (a key past its `retiresAt` refuses what it verified): the cache only saves
 * work, it never accepts a token that verifying it again would refuse.
 * When full, the oldest entry goes (first in, first out: no bookkeeping on a hit).
 * A hit hands back the very object `set` was given, to every caller: give it frozen claims
 * (verifyAccess does), so that no caller can change what the next one gets.
 */
export class VerifiedAccessCache<C extends CachedClaims> {
  readonly #entries = new Map<string, Entry<C>>();

  constructor(readonly maxEntries: number) {
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 0) {
      throw new TypeError("maxEntries must be a whole number ≥ 0.");
    }
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The digest a token is filed under: its signature's (after the last dot). */
  static keyOf(token: string, dot = token.lastIndexOf(".")): string {
    // One-shot: no Hash object per call (about half the cost on every protected call).
    return hash("sha256", token.slice(dot + 1), "base64url");
  }

  /**
   * The claims of `token` if it was verified before and is still accepted at `nowMs` by a key
   * that `keyAccepts` then; undefined otherwise (an entry no longer accepted is dropped).
   */
  get(
    token: string,
    nowMs: number,
    keyAccepts: (kid: string | undefined, nowMs: number) => boolean,
  ): C | undefined {
    const dot = token.lastIndexOf(".");
    if (dot < 0) return undefined;
    const key = VerifiedAccessCache.keyOf(token, dot);
    const entry = this.#entries.get(key);
    // The same signature over another header or payload is not this entry's token. (A slice
    // compared with ===, not startsWith: V8 compares a long prefix character by character,
    // ~0.8 µs for a token's ~370, where === on the slice is one memory comparison, ~50 ns.)
    if (!entry || entry.signed.length !== dot || token.slice(0, dot) !== entry.signed) {
      return undefined;
    }
    // Seconds, as the library compares exp: the same instant a miss would refuse it.
    if (Math.floor(nowMs / 1000) >= entry.acceptedBefore || !keyAccepts(entry.kid, nowMs)) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.claims;
  }

  /** Files the claims verifying `token` gave. */
  set(token: string, claims: C, kid: string | undefined, leewaySeconds: number): void {
    if (this.maxEntries === 0) return;
    const dot = token.lastIndexOf(".");
    if (dot < 0) return;
    const key = VerifiedAccessCache.keyOf(token, dot);
    if (this.#entries.size >= this.maxEntries && !this.#entries.has(key)) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.set(key, {
      claims,
      kid,
      acceptedBefore: claims.exp + leewaySeconds,
      signed: detached(token.slice(0, dot)),
    });
  }
}

/**
 * A copy of `part` that does not point into the string it was cut from: V8 may represent a
 * slice as a view of its parent, which would keep the whole token (signature included) alive
 * for as long as the entry. Tokens are ASCII (base64url and dots), so latin1 copies them exactly.
 */
function detached(part: string): string {
  return Buffer.from(part, "latin1").toString("latin1");
}
