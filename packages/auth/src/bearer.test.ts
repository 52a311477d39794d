import { describe, expect, it } from "vitest";
import { parseBearer } from "./bearer";
import { catchAuthError } from "./testing/catch-auth-error";

const JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl";

describe("parseBearer", () => {
  it.each([
    [`Bearer ${JWT}`, JWT],
    [`bearer ${JWT}`, JWT],
    [`BEARER ${JWT}`, JWT],
    [`BeArEr ${JWT}`, JWT],
    [`Bearer    ${JWT}`, JWT],
    [`Bearer ${JWT}   `, JWT],
    [`  Bearer ${JWT}\t`, JWT],
    ["Bearer abc+/-._~==", "abc+/-._~=="],
  ])("reads %j", (header, token) => {
    expect(parseBearer(header)).toBe(token);
  });

  it.each([
    [null],
    [undefined],
    [""],
    ["   "],
    ["Basic dXNlcjpwYXNz"],
    ["Token abc"],
    [`Bearer${JWT}`], // one word: a different scheme, not a malformed Bearer
  ])("finds no bearer credentials in %j", (header) => {
    expect(parseBearer(header)).toBeNull();
  });

  it.each([
    ["Bearer"],
    ["Bearer "],
    ["bearer    "],
    ["Bearer a b"],
    [`Bearer\t${JWT}`],
    [`Bearer \t${JWT}`],
    ["Bearer abc=def"],
    ["Bearer ab$c"],
    ["Bearer <script>"],
    ["Bearer abc, Basic xyz"],
    ["Bearer é"],
    [`Bearer ${JWT}\n`],
  ])("rejects malformed Bearer credentials %j", (header) => {
    expect(catchAuthError(() => parseBearer(header)).code).toBe("INVALID_TOKEN");
  });

  it("rejects a header over 8 KB and accepts one at the limit", () => {
    const atLimit = `Bearer ${"a".repeat(8192 - 7)}`;
    expect(parseBearer(atLimit)).toHaveLength(8185);
    expect(catchAuthError(() => parseBearer(`${atLimit}a`)).code).toBe("INVALID_TOKEN");
  });
});
