import { AuthError } from "@kit/auth";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { CallingUser } from "../authentication/calling-user";
import { defineAccessClaims, readAccessClaims } from "./define-access-claims";

const user: CallingUser = { id: "u1", email: "a@example.com", name: null, role: "admin" };
const tenant = z.object({ tenant: z.string() });

describe("readAccessClaims", () => {
  it("reads the claims the schema accepts, dropping the rest", () => {
    const hook = defineAccessClaims({
      schema: tenant,
      issue: () => ({ tenant: "t" }),
      whenMissing: "refresh",
    });
    expect(readAccessClaims(hook, { tenant: "acme", extra: 1 }, user)).toEqual({ tenant: "acme" });
  });

  it("gives a token without them what whenMissing computes from the user", () => {
    const hook = defineAccessClaims({
      schema: tenant,
      issue: () => ({ tenant: "t" }),
      whenMissing: (caller) => ({ tenant: `default-${caller.role}` }),
    });
    expect(readAccessClaims(hook, {}, user)).toEqual({ tenant: "default-admin" });
    expect(readAccessClaims(hook, { tenant: 5 }, user)).toEqual({ tenant: "default-admin" });
  });

  it("refuses a token without them as TOKEN_EXPIRED when whenMissing is refresh", () => {
    const hook = defineAccessClaims({
      schema: tenant,
      issue: () => ({ tenant: "t" }),
      whenMissing: "refresh",
    });
    let thrown: unknown;
    try {
      readAccessClaims(hook, {}, user);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AuthError);
    expect((thrown as AuthError).code).toBe("TOKEN_EXPIRED");
  });
});
