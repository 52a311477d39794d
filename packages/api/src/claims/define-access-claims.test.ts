import { AuthError } from "@kit/auth";
import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { accessClaims } from "../access-claims";
import type { CallingUser } from "../calling-user";
import {
  AccessClaimsError,
  accessClaimNames,
  accessClaimsProblem,
  defineAccessClaims,
  readAccessClaims,
} from "./define-access-claims";

const user: CallingUser = { id: "u1", email: "a@example.com", name: null, role: "admin" };
const tenant = z.object({ tenant: z.string() });

describe("readAccessClaims", () => {
  it("reads the claims the schema accepts, dropping the rest", () => {
    const hook = defineAccessClaims(tenant, {
      issue: () => ({ tenant: "t" }),
      whenMissing: "refresh",
    });
    expect(readAccessClaims(hook, { tenant: "acme", extra: 1 }, user)).toEqual({ tenant: "acme" });
  });

  it("gives a token without them what whenMissing computes from the user", () => {
    const hook = defineAccessClaims(tenant, {
      issue: () => ({ tenant: "t" }),
      whenMissing: (caller) => ({ tenant: `default-${caller.role}` }),
    });
    expect(readAccessClaims(hook, {}, user)).toEqual({ tenant: "default-admin" });
    expect(readAccessClaims(hook, { tenant: 5 }, user)).toEqual({ tenant: "default-admin" });
  });

  it("refuses a token without them as TOKEN_EXPIRED when whenMissing is refresh", () => {
    const hook = defineAccessClaims(tenant, {
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

  it("parses frozen claims once, and hands what it read out frozen; unfrozen claims every time", () => {
    let parses = 0;
    const counted = z.object({ tenant: z.string() }).transform((value) => {
      parses += 1;
      return value;
    });
    const hook = defineAccessClaims(counted, {
      issue: () => ({ tenant: "t" }),
      whenMissing: "refresh",
    });
    const frozen = Object.freeze({ tenant: "acme" });
    const first = readAccessClaims(hook, frozen, user);
    expect(readAccessClaims(hook, frozen, user)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(parses).toBe(1);
    // Another hook reads the same claims its own way.
    const other = defineAccessClaims(
      z.object({ tenant: z.string().transform((name) => name.toUpperCase()) }),
      {
        issue: () => ({ tenant: "t" }),
        whenMissing: "refresh",
      },
    );
    expect(readAccessClaims(other, frozen, user)).toEqual({ tenant: "ACME" });
    // Claims that may still change are read again each time, and what is read stays theirs.
    const open = { tenant: "acme" };
    expect(Object.isFrozen(readAccessClaims(hook, open, user))).toBe(false);
    readAccessClaims(hook, open, user);
    expect(parses).toBe(3);
  });

  it("never remembers what whenMissing gave: it follows the caller's user", () => {
    const hook = defineAccessClaims(tenant, {
      issue: () => ({ tenant: "t" }),
      whenMissing: (caller) => ({ tenant: `default-${caller.role}` }),
    });
    const without = Object.freeze({});
    expect(readAccessClaims(hook, without, user)).toEqual({ tenant: "default-admin" });
    expect(readAccessClaims(hook, without, { ...user, role: "user" })).toEqual({
      tenant: "default-user",
    });
  });
});

describe("defineAccessClaims", () => {
  const plans = z.object({ role: z.enum(["user", "admin"]), plan: z.enum(["free", "pro"]) });

  it("types the claims by the schema, not by what issue happens to return", () => {
    const hook = defineAccessClaims(plans, {
      issue: (caller) => ({ role: caller.role, plan: "free" }),
      whenMissing: (caller) => ({ role: caller.role, plan: "free" }),
    });
    const claims = readAccessClaims(hook, { role: "user", plan: "pro" }, user);
    expectTypeOf(claims.plan).toEqualTypeOf<"free" | "pro">();
    expect(claims).toEqual({ role: "user", plan: "pro" });
  });

  it("refuses, at compile time, claims the schema would not accept", () => {
    const hook = defineAccessClaims(plans, {
      // @ts-expect-error "gold" is not one of the schema's plans
      issue: (caller) => ({ role: caller.role, plan: "gold" }),
      whenMissing: "refresh",
    });
    expect(hook.schema.safeParse(hook.issue(user)).success).toBe(false);
  });
});

describe("claim names the kit or RFC 7519 defines", () => {
  it("are a compile error in the schema", () => {
    const hook = defineAccessClaims(
      // @ts-expect-error "iss" is RFC 7519's: every login would fail signing it
      z.object({ iss: z.string() }),
      { issue: () => ({ iss: "app" }), whenMissing: "refresh" },
    );
    expect(accessClaimsProblem(hook)).toBeDefined();
  });

  it("are a problem at run time too, named, where the compiler was told otherwise", () => {
    const schema = z.object({ plan: z.string(), sub: z.string(), type: z.string() });
    const hook = defineAccessClaims(schema as unknown as z.ZodType<{ plan: string }>, {
      issue: () => ({ plan: "free" }),
      whenMissing: "refresh",
    });
    const problem = accessClaimsProblem(hook);
    expect(problem).toMatch(
      /^the access claims \(packages\/api\/src\/access-claims\.ts\) name "sub", "type", which the kit or RFC 7519 defines \(sub, email, .*\): name the app's own claims otherwise$/,
    );
    // What start-up throws with it: one line, a machine code.
    const error = new AccessClaimsError(problem ?? "");
    expect(error.code).toBe("INVALID_ACCESS_CLAIMS");
  });

  it("leave the app's definition alone (whatever claims it adds), and check names what it signs", () => {
    // access-claims.ts is the app's to extend (README, "Custom claims"): not pinned here.
    expect(accessClaimsProblem(accessClaims)).toBeUndefined();
    const shipped = defineAccessClaims(z.object({ role: z.string(), plan: z.string() }), {
      issue: () => ({ role: "user", plan: "free" }),
      whenMissing: "refresh",
    });
    expect(accessClaimNames(shipped)).toBe(
      "role, plan, signed into every access token beside the kit's",
    );
    const opaque = defineAccessClaims(z.record(z.string(), z.string()), {
      issue: () => ({}),
      whenMissing: "refresh",
    });
    expect(accessClaimsProblem(opaque)).toBeUndefined();
    expect(accessClaimNames(opaque)).toBe(
      "signed into every access token (a schema other than z.object)",
    );
  });
});
