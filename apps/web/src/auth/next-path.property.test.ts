// Property: whatever `?next=` holds, the path we navigate to stays on this origin.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { safeNextPath } from "./next-path";

const SITE = "https://site.example";

// The pieces open redirects are built from: slashes of both kinds, dot segments plain and
// percent-encoded, encoded slashes, the characters browsers drop (tab, newline), and the
// characters that start a user-info or a scheme.
const PIECES = [
  "/",
  "\\",
  ".",
  "..",
  "%2e",
  "%2E",
  "%2f",
  "%2F",
  "%5c",
  "%5C",
  "\t",
  "\n",
  "\r",
  "@",
  ":",
  "?",
  "#",
  " ",
  "a",
  "evil.example",
  "https:",
];
const pathish = fc.array(fc.constantFrom(...PIECES), { maxLength: 16 }).map((p) => p.join(""));

/** On this origin, and a single "/" not followed by another slash of either kind. */
function expectLocal(input: string): void {
  const result = safeNextPath(input);
  expect(new URL(result, SITE).origin).toBe(SITE);
  expect(result).toMatch(/^\/(?![/\\])/);
  // Where the browser lands is exactly what we returned: nothing left for it to resolve.
  const landed = new URL(result, SITE);
  expect(`${landed.pathname}${landed.search}${landed.hash}`).toBe(result);
}

describe("safeNextPath, for any input", () => {
  it("stays on this origin: arbitrary strings", () => {
    fc.assert(fc.property(fc.string({ unit: "binary" }), expectLocal), { numRuns: 2_000 });
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => expectLocal(`/${s}`)),
      { numRuns: 2_000 },
    );
  });

  it("stays on this origin: strings built from path-ish pieces", () => {
    fc.assert(fc.property(pathish, expectLocal), { numRuns: 5_000 });
    fc.assert(
      fc.property(pathish, (s) => expectLocal(`/${s}`)),
      { numRuns: 5_000 },
    );
  });
});
