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

  it("parses frozen claims once, and hands what it read out frozen; unfrozen claims every time", () => {
    let parses = 0;
    const counted = z.object({ tenant: z.string() }).transform((value) => {
      parses += 1;
      return value;
    });
    const hook = defineAccessClaims({
      schema: counted,
      issue: () => ({ tenant: "t" }),
      whenMissing: "refresh",
    });
    const frozen = Object.freeze({ tenant: "acme" });
    const first = readAccessClaims(hook, frozen, user);
    expect(readAccessClaims(hook, frozen, user)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(parses).toBe(1);
    // Another hook reads the same claims its own way.
    const other = defineAccessClaims({
      schema: z.object({ tenant: z.string().transform((name) => name.toUpperCase()) }),
      issue: () => ({ tenant: "t" }),
      whenMissing: "refresh",
    });
    expect(readAccessClaims(other, frozen, user)).toEqual({ tenant: "ACME" });
    // Claims that may still change are read again each time, and what is read stays theirs.
    const open = { tenant: "acme" };
    expect(Object.isFrozen(readAccessClaims(hook, open, user))).toBe(false);
    readAccessClaims(hook, open, user);
    expect(parses).toBe(3);
  });

  it("never remembers what whenMissing gave: it follows the caller's user", () => {
    const hook = defineAccessClaims({
      schema: tenant,
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
