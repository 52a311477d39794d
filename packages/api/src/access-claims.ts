// The app's own claims in every access token, beside the kit's (sub, email, sid, jti, iat, exp,
// type). Edit this one definition to add yours: the type of `ctx.claims` in protected procedures
// follows it, and other services that verify the tokens (through /.well-known/jwks.json) read
// them from the token. They are a snapshot taken when the token was issued (at most one access
// lifetime old): decisions that must follow a change at once read the live row instead, as
// adminProcedure does for `role`.
import { z } from "zod";
import { defineAccessClaims } from "./claims/define-access-claims";

export const accessClaims = defineAccessClaims(z.object({ role: z.enum(["user", "admin"]) }), {
  issue: (user) => ({ role: user.role }),
  // Tokens issued before `role` was a claim: the role the session check just read.
  whenMissing: (user) => ({ role: user.role }),
});

/**
 * What `ctx.claims` holds in protected procedures: frozen, and shared by the calls that carry
 * the same access token (readAccessClaims reads a token's claims once).
 */
export type AppClaims = z.infer<typeof accessClaims.schema>;
