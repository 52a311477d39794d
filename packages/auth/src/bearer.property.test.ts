// parseBearer over generated headers: whatever arrives, it answers null, a well-formed token, or
// AuthError INVALID_TOKEN, and a well-formed `Bearer` header always yields its token.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseBearer } from "./bearer";
import { AuthError } from "./errors";

const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const b64char = fc.constantFrom(..."ABCXYZabcxyz0189-._~+/".split(""));
const b64token = fc
  .tuple(fc.string({ unit: b64char, minLength: 1, maxLength: 300 }), fc.nat({ max: 3 }))
  .map(([body, pad]) => body + "=".repeat(pad));
const ows = fc.string({ unit: fc.constantFrom(" ", "\t"), maxLength: 4 });
const bearerWord = fc
  .array(fc.boolean(), { minLength: 6, maxLength: 6 })
  .map((upper) => [..."bearer"].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(""));

// Headers built from the pieces a parser trips on, besides fully arbitrary text.
const header = fc.oneof(
  fc.string({ maxLength: 400 }),
  fc.string({ unit: "binary", maxLength: 200 }),
  fc
    .tuple(
      ows,
      fc.oneof(bearerWord, fc.string({ maxLength: 10 })),
      fc.string({ unit: fc.constantFrom(" ", "\t", "\n", "\0", "="), maxLength: 5 }),
      fc.oneof(b64token, fc.string({ maxLength: 100 })),
      ows,
    )
    .map((parts) => parts.join("")),
);

// The parser as first written, RFC 9110's grammar spelled out (the scheme captured whole, then
// the rest): the faster one must answer exactly as it does, header for header.
const SCHEME = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+)([\s\S]*)$/;
const CREDENTIALS = /^ +([A-Za-z0-9\-._~+/]+=*)$/;
function referenceParse(header: string): string | null | "INVALID_TOKEN" {
  const value = header.replace(/^[ \t]+/, "").replace(/[ \t]+$/, "");
  if (header.length > 8 * 1024) return "INVALID_TOKEN";
  const [, scheme = "", rest = ""] = SCHEME.exec(value) ?? [];
  if (scheme.toLowerCase() !== "bearer") return null;
  return CREDENTIALS.exec(rest)?.[1] ?? "INVALID_TOKEN";
}
const outcome = (header: string) => {
  try {
    return parseBearer(header);
  } catch (error) {
    return (error as AuthError).code;
  }
};

describe("parseBearer, on generated headers", () => {
  it("answers as the grammar read literally does: the same token, null or INVALID_TOKEN", () => {
    fc.assert(
      fc.property(header, (value) => {
        expect(outcome(value)).toEqual(referenceParse(value));
      }),
      { numRuns: 5000 },
    );
  });

  it("returns null or a well-formed token, or throws INVALID_TOKEN; nothing else", () => {
    fc.assert(
      fc.property(header, (value) => {
        let token: string | null;
        try {
          token = parseBearer(value);
        } catch (error) {
          expect(error).toBeInstanceOf(AuthError);
          expect((error as AuthError).code).toBe("INVALID_TOKEN");
          return;
        }
        if (token !== null) {
          expect(token).toMatch(B64TOKEN);
          expect(value).toContain(token);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("reads the token of every well-formed Bearer header, whatever the case and spacing", () => {
    fc.assert(
      fc.property(
        ows,
        bearerWord,
        fc.integer({ min: 1, max: 4 }),
        b64token,
        ows,
        (before, scheme, spaces, token, after) => {
          expect(parseBearer(`${before}${scheme}${" ".repeat(spaces)}${token}${after}`)).toBe(
            token,
          );
        },
      ),
      { numRuns: 1000 },
    );
  });
});
