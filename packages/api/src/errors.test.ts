import { AuthError } from "@kit/auth";
import { TRPCError } from "@trpc/server";
import { describe, expect, it, vi } from "vitest";
import { AppError, appCodeOf, RateLimitedError, toTRPCError } from "./errors";

// Next.js bundles a workspace package once per route, server component and instrumentation:
// errors thrown by the runtime's copy must be translated by the route's copy (issue #8).
describe("errors from another copy of the module", () => {
  async function freshCopy(): Promise<typeof import("./errors")> {
    vi.resetModules();
    return import("./errors");
  }

  it("recognises another copy's RateLimitedError and AppError", async () => {
    const other = await freshCopy();
    expect(other.RateLimitedError).not.toBe(RateLimitedError);
    const limited = new other.RateLimitedError(42);
    expect(limited instanceof RateLimitedError).toBe(true);
    expect(limited instanceof AppError).toBe(true);
    const translated = toTRPCError(limited);
    expect(translated?.code).toBe("TOO_MANY_REQUESTS");
    expect(translated && appCodeOf(translated)).toBe("RATE_LIMITED");

    const taken = new other.AppError("EMAIL_TAKEN", "CONFLICT", "taken");
    expect(taken instanceof AppError).toBe(true);
    expect(taken instanceof RateLimitedError).toBe(false);
    expect(toTRPCError(taken)?.code).toBe("CONFLICT");
  });

  it("translates an AuthError to its 401 and appCode", () => {
    const translated = toTRPCError(new AuthError("WRONG_TOKEN_TYPE"));
    expect(translated?.code).toBe("UNAUTHORIZED");
    expect(translated && appCodeOf(translated)).toBe("WRONG_TOKEN_TYPE");
  });

  it("is not fooled by look-alikes", () => {
    expect({ appCode: "EMAIL_TAKEN", trpcCode: "CONFLICT" } instanceof AppError).toBe(false);
    expect(new Error("x") instanceof AppError).toBe(false);
    expect(toTRPCError(new Error("x"))).toBeNull();
    expect(appCodeOf(new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: new Error("x") }))).toBe(
      "INTERNAL_SERVER_ERROR",
    );
  });

  it("calls a body the parser refused PARSE_ERROR, and a SyntaxError a procedure threw a 500", () => {
    const syntax = new SyntaxError("Unexpected token");
    expect(appCodeOf(new TRPCError({ code: "PARSE_ERROR", cause: syntax }))).toBe("PARSE_ERROR");
    expect(appCodeOf(new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: syntax }))).toBe(
      "INTERNAL_SERVER_ERROR",
    );
  });
});

describe("a database that cannot be used", () => {
  it("becomes 503 DB_UNAVAILABLE, keeping Prisma's error as the cause", () => {
    const refused = {
      name: "PrismaClientKnownRequestError",
      code: "P1001",
      message: "Can't reach database server at 10.0.0.5:5432",
    };
    const translated = toTRPCError(refused);
    expect(translated?.code).toBe("SERVICE_UNAVAILABLE");
    expect(translated && appCodeOf(translated)).toBe("DB_UNAVAILABLE");
    expect(translated?.message).not.toContain("10.0.0.5");
    expect((translated?.cause as AppError | undefined)?.cause).toBe(refused);
  });

  it("leaves other database failures to the 500 path", () => {
    expect(toTRPCError({ code: "P2025", message: "Record not found" })).toBeNull();
  });
});
