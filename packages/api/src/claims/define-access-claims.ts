// The hook for an app's own claims in access tokens: what to sign in, how to read it back, and
// what a token without them means. The kit's definition is access-claims.ts.
import { AuthError, RESERVED_CLAIMS, type ReservedClaim } from "@kit/auth";
import type { z } from "zod";
import type { CallingUser } from "../calling-user";

export interface AccessClaimsHook<C extends Record<string, unknown>> extends AccessClaimsIssue<C> {
  /**
   * Validates the claims read back from a verified token (its signature proves we issued them;
   * this proves they have today's shape). A token whose claims fail it is one without them.
   */
  schema: z.ZodType<C>;
}

/** How the claims are made: for each token issued, and for a token without them. */
export interface AccessClaimsIssue<C extends Record<string, unknown>> {
  /** The claims signed into each access token, from the user it is issued to. */
  issue(user: CallingUser): C;
  /**
   * What a token without them gets (one issued before they existed, or under another shape):
   * a function gives them from the caller's user as the session check just read it; `"refresh"`
   * refuses the token as TOKEN_EXPIRED, so a client refreshes once and gets one that has them.
   */
  whenMissing: ((user: CallingUser) => C) | "refresh";
}

/**
 * The app's claims: `schema` says their type, and it alone (it is its own argument, so TypeScript
 * settles the type from it before reading the functions): what `issue` and `whenMissing` return
 * is checked against it, so `plan: "free"` must be one of its plans and `ctx.claims.plan` is
 * `"free" | "pro"` in protected procedures, not string.
 *
 * @example
 * export const accessClaims = defineAccessClaims(z.object({ plan: z.enum(["free", "pro"]) }), {
 *   issue: () => ({ plan: "free" }),
 *   whenMissing: "refresh",
 * });
 */
export function defineAccessClaims<C extends Record<string, unknown> & WithoutReservedNames>(
  schema: z.ZodType<C>,
  hooks: NoInfer<AccessClaimsIssue<C>>,
): AccessClaimsHook<C> {
  return { schema, ...hooks };
}

/**
 * The kit's and RFC 7519's claim names are not the app's: `iss: z.string()` in the schema is a
 * compile error ("Type 'string' is not assignable to type 'undefined'" at the schema), as it
 * would otherwise only fail at the first login. accessClaimsProblem says the same at run time.
 */
type WithoutReservedNames = { readonly [name in ReservedClaim]?: never };

/** Start-up refused: the app's access claims cannot be signed into a token. */
export class AccessClaimsError extends Error {
  override readonly name = "AccessClaimsError";
  readonly code = "INVALID_ACCESS_CLAIMS";
}

/**
 * Why tokens could not carry the hook's claims, or undefined: the names of an object schema's
 * keys that the kit or RFC 7519 defines. Start-up throws it as an AccessClaimsError and
 * `pnpm auth check` reports it, so a schema that got past the compiler (a cast, plain
 * JavaScript) stops the server at start, not every login with a 500.
 */
export function accessClaimsProblem(
  hook: AccessClaimsHook<Record<string, unknown>>,
): string | undefined {
  const taken = (shapeKeys(hook) ?? []).filter((name) => RESERVED_CLAIMS.has(name));
  if (taken.length === 0) return undefined;
  return (
    `the access claims (packages/api/src/access-claims.ts) name ${taken.map((name) => `"${name}"`).join(", ")}, ` +
    `which the kit or RFC 7519 defines (${[...RESERVED_CLAIMS].join(", ")}): name the app's own claims otherwise`
  );
}

// What each hook's schema made of a token's frozen custom claims: verifyAccess hands the same
// frozen object to every call with the same token (its verified-token cache), so a protected
// call repeats neither the parse nor its copy. Entries go with the claims object.
const parsedByHook = new WeakMap<object, WeakMap<object, unknown>>();

/**
 * The token's own claims as the hook's schema reads them, or what `whenMissing` says. What the
 * schema reads from frozen claims is remembered and handed out frozen: protected procedures of
 * calls with the same token share it, as they share the session cache's user.
 */
export function readAccessClaims<C extends Record<string, unknown>>(
  hook: AccessClaimsHook<C>,
  custom: Record<string, unknown>,
  user: CallingUser,
): C {
  const frozen = Object.isFrozen(custom);
  let parsed = frozen ? parsedByHook.get(hook)?.get(custom) : undefined;
  if (parsed !== undefined) return parsed as C;
  const result = hook.schema.safeParse(custom);
  if (result.success) {
    if (!frozen) return result.data;
    parsed = Object.freeze(result.data);
    let byClaims = parsedByHook.get(hook);
    if (!byClaims) {
      byClaims = new WeakMap();
      parsedByHook.set(hook, byClaims);
    }
    byClaims.set(custom, parsed);
    return parsed as C;
  }
  if (hook.whenMissing === "refresh") {
    throw new AuthError("TOKEN_EXPIRED", "This token predates its claims: refresh it.");
  }
  return hook.whenMissing(user);
}

/** What `pnpm auth check` says of the claims: their names, where the schema is an object's. */
export function accessClaimNames(hook: AccessClaimsHook<Record<string, unknown>>): string {
  const names = shapeKeys(hook);
  if (names === undefined) return "signed into every access token (a schema other than z.object)";
  if (names.length === 0) return "none beside the kit's";
  return `${names.join(", ")}, signed into every access token beside the kit's`;
}

const shapeKeys = (hook: AccessClaimsHook<Record<string, unknown>>): string[] | undefined => {
  const shape: unknown = (hook.schema as { shape?: unknown }).shape;
  return typeof shape === "object" && shape !== null ? Object.keys(shape) : undefined;
};
