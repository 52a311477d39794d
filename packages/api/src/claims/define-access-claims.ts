// The hook for an app's own claims in access tokens: what to sign in, how to read it back, and
// what a token without them means. The kit's definition is access-claims.ts.
import { AuthError } from "@kit/auth";
import type { z } from "zod";
import type { CallingUser } from "../authentication/calling-user";

export interface AccessClaimsHook<C extends Record<string, unknown>> {
  /**
   * Validates the claims read back from a verified token (its signature proves we issued them;
   * this proves they have today's shape). A token whose claims fail it is one without them.
   */
  schema: z.ZodType<C>;
  /** The claims signed into each access token, from the user it is issued to. */
  issue(user: CallingUser): C;
  /**
   * What a token without them gets (one issued before they existed, or under another shape):
   * a function gives them from the caller's user as the session check just read it; `"refresh"`
   * refuses the token as TOKEN_EXPIRED, so a client refreshes once and gets one that has them.
   */
  whenMissing: ((user: CallingUser) => C) | "refresh";
}

/** Types `hook`, so that the claims' type flows into `ctx.claims` of protected procedures. */
export function defineAccessClaims<C extends Record<string, unknown>>(
  hook: AccessClaimsHook<C>,
): AccessClaimsHook<C> {
  return hook;
}

/** The token's own claims as the hook's schema reads them, or what `whenMissing` says. */
export function readAccessClaims<C extends Record<string, unknown>>(
  hook: AccessClaimsHook<C>,
  custom: Record<string, unknown>,
  user: CallingUser,
): C {
  const parsed = hook.schema.safeParse(custom);
  if (parsed.success) return parsed.data;
  if (hook.whenMissing === "refresh") {
    throw new AuthError("TOKEN_EXPIRED", "This token predates its claims: refresh it.");
  }
  return hook.whenMissing(user);
}
