import { AuthError } from "@kit/auth";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { toTRPCError } from "../errors";
import { BEARER_CHALLENGE, challengeFor, INVALID_TOKEN_CHALLENGE } from "./www-authenticate";

/** A call's error as tRPC answers it: the error and its answer's body. */
function failed(code: ConstructorParameters<typeof AuthError>[0]) {
  const error = toTRPCError(new AuthError(code)) as TRPCError;
  const httpStatus = error.code === "UNAUTHORIZED" ? 401 : 400;
  return { error, answer: { error: { data: { httpStatus } } } };
}
const ok = { result: { data: {} } };

describe("challengeFor", () => {
  it("answers a refused token with invalid_token, no token or a password with Bearer alone", () => {
    for (const code of [
      "INVALID_TOKEN",
      "TOKEN_EXPIRED",
      "TOKEN_REVOKED",
      "TOKEN_REUSED",
    ] as const) {
      const { error, answer } = failed(code);
      expect(challengeFor([answer], [error]), code).toBe(INVALID_TOKEN_CHALLENGE);
    }
    for (const code of ["MISSING_TOKEN", "INVALID_CREDENTIALS"] as const) {
      const { error, answer } = failed(code);
      expect(challengeFor([answer], [error]), code).toBe(BEARER_CHALLENGE);
    }
  });

  it("gives none to an answer that is not a 401: a success, another error, a mixed batch", () => {
    expect(challengeFor([ok], [])).toBeNull();
    const weak = failed("WEAK_PASSWORD");
    expect(challengeFor([weak.answer], [weak.error])).toBeNull();
    const revoked = failed("TOKEN_REVOKED");
    expect(challengeFor([ok, revoked.answer], [revoked.error])).toBeNull();
    expect(challengeFor([revoked.answer, revoked.answer], [revoked.error, revoked.error])).toBe(
      INVALID_TOKEN_CHALLENGE,
    );
    const internal = new TRPCError({ code: "INTERNAL_SERVER_ERROR" });
    expect(challengeFor([{ error: { data: { httpStatus: 500 } } }], [internal])).toBeNull();
  });
});
