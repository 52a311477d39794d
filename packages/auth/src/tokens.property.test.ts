// Token verification over generated and mutated tokens, for every algorithm: a token verifies
// only with the claims it was issued with, and anything else fails with a documented AuthError
// (never another exception, never a hang).
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Algorithm } from "./algorithms";
import { AuthError } from "./errors";
import { createSecretKey } from "./keys";
import { encodeSegment, fixtureToken } from "./testing/fixture-token";
import { createTokenService, type TokenService } from "./tokens";

const NOW_MS = 1_700_000_000_000;
const DOCUMENTED = ["INVALID_TOKEN", "TOKEN_EXPIRED", "WRONG_TOKEN_TYPE"];

const keys: Record<Algorithm, KeyObject> = {
  HS256: createSecretKey("a-property-test-secret-long-enough-32"),
  RS256: generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey,
  PS256: generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey,
  ES256: generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey,
};

function serviceFor(algorithm: Algorithm): TokenService {
  return createTokenService({
    algorithm,
    key: keys[algorithm],
    accessTtl: 900,
    refreshTtl: 3600,
    now: () => NOW_MS,
  });
}

/** What each verifier makes of `token`: its claims, or the AuthError's code. */
function outcomes(tokens: TokenService, token: string) {
  const attempt = (verify: (token: string) => unknown) => {
    try {
      return { claims: verify(token) };
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      return { code: error.code };
    }
  };
  return {
    access: attempt(tokens.verifyAccess),
    refresh: attempt(tokens.verifyRefresh),
    device: attempt(tokens.verifyDevice),
  };
}

const alphabet = fc.constantFrom(...'AZaz09-_.=+/ {}"'.split(""));
/** One edit of a token: a character replaced, inserted or removed, or segments reshuffled. */
const edit = fc.oneof(
  fc.record({ kind: fc.constant("replace"), at: fc.nat(), char: alphabet }),
  fc.record({ kind: fc.constant("insert"), at: fc.nat(), char: alphabet }),
  fc.record({ kind: fc.constant("delete"), at: fc.nat() }),
  fc.record({ kind: fc.constant("swap"), a: fc.nat({ max: 2 }), b: fc.nat({ max: 2 }) }),
  fc.record({ kind: fc.constant("truncate"), at: fc.nat() }),
);
type Edit =
  | { kind: "replace" | "insert"; at: number; char: string }
  | { kind: "delete" | "truncate"; at: number }
  | { kind: "swap"; a: number; b: number };

function applyEdit(token: string, change: Edit): string {
  if (change.kind === "swap") {
    const parts = token.split(".");
    [parts[change.a], parts[change.b]] = [parts[change.b] ?? "", parts[change.a] ?? ""];
    return parts.join(".");
  }
  const at = change.at % (token.length + 1);
  if (change.kind === "replace") return token.slice(0, at) + change.char + token.slice(at + 1);
  if (change.kind === "insert") return token.slice(0, at) + change.char + token.slice(at);
  if (change.kind === "delete") return token.slice(0, at) + token.slice(at + 1);
  return token.slice(0, at);
}

// Headers an attacker would try: other algorithms, none, embedded keys, unknown kids.
const forgedHeader = fc.record(
  {
    alg: fc.oneof(
      fc.constantFrom("none", "HS256", "RS256", "PS256", "ES256", "HS512"),
      fc.string(),
    ),
    typ: fc.constantFrom("JWT", "at+jwt"),
    kid: fc.string({ maxLength: 20 }),
    jku: fc.constant("https://attacker.example/jwks.json"),
    jwk: fc.constant({ kty: "oct", k: "c2VjcmV0" }),
  },
  { requiredKeys: ["alg"] },
);
const claims = fc.record(
  {
    sub: fc.string(),
    email: fc.string(),
    sid: fc.string(),
    jti: fc.string(),
    iat: fc.oneof(fc.integer(), fc.double()),
    exp: fc.oneof(fc.integer(), fc.constantFrom(Number.MAX_VALUE, null), fc.string()),
    type: fc.constantFrom("access", "refresh", "device", "id"),
  },
  { requiredKeys: [] },
);

for (const algorithm of Object.keys(keys) as Algorithm[]) {
  describe(`${algorithm} verification, on generated tokens`, () => {
    const tokens = serviceFor(algorithm);
    const genuine = tokens.issueAccess({ userId: "u1", email: "a@example.com", sessionId: "s1" });

    it("verifies an edited token only with the genuine claims; otherwise a documented error", () => {
      fc.assert(
        fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (changes) => {
          const token = changes.reduce(applyEdit, genuine.token);
          const seen = outcomes(tokens, token);
          if ("claims" in seen.access) expect(seen.access.claims).toEqual(genuine.claims);
          else expect(DOCUMENTED).toContain(seen.access.code);
          // An access token is never a refresh token or a device marker, edited or not.
          expect(seen.refresh).not.toHaveProperty("claims");
          expect(seen.device).not.toHaveProperty("claims");
        }),
        { numRuns: 400 },
      );
    });

    it("refuses forged headers and payloads, signed with a known secret or not at all", () => {
      fc.assert(
        fc.property(forgedHeader, claims, fc.string({ maxLength: 90 }), (header, payload, sig) => {
          const unsigned = `${encodeSegment(header)}.${encodeSegment(payload)}`;
          const candidates = [
            `${unsigned}.`,
            `${unsigned}.${Buffer.from(sig).toString("base64url")}`,
            // HMAC with a secret the attacker knows (e.g. a public key's text) is never enough.
            fixtureToken(payload, { header: { ...header, alg: "HS256" } }),
          ];
          for (const token of candidates) {
            for (const seen of Object.values(outcomes(tokens, token))) {
              expect(seen).not.toHaveProperty("claims");
              expect(DOCUMENTED).toContain((seen as { code: string }).code);
            }
          }
        }),
        { numRuns: 300 },
      );
    });

    it("refuses arbitrary text with a documented error", () => {
      fc.assert(
        fc.property(
          fc.oneof(fc.string({ maxLength: 600 }), fc.string({ unit: "binary" })),
          (text) => {
            for (const seen of Object.values(outcomes(tokens, text))) {
              expect(seen).not.toHaveProperty("claims");
              expect(DOCUMENTED).toContain((seen as { code: string }).code);
            }
          },
        ),
        { numRuns: 500 },
      );
    });
  });
}
