// The challenge a 401 carries. RFC 9110 §15.5.2: a 401 MUST name how to authenticate, and some
// HTTP stacks refuse a 401 without one (older Android's "No authentication challenges found");
// RFC 6750 §3 says what a Bearer resource answers: `Bearer` alone when the request brought no
// credentials, with `error="invalid_token"` when it brought a token that is refused.
import { type AuthErrorCode, isAuthError } from "@kit/auth";
import type { TRPCError } from "@trpc/server";
import { getHTTPStatusCode } from "@trpc/server/http";

/**
 * Whether each code refuses a token the client sent (expired, revoked, malformed, of another
 * kind, orphaned): a Record, so that a code added to @kit/auth is decided here before it builds.
 */
const REFUSES_TOKEN: Readonly<Record<AuthErrorCode, boolean>> = {
  INVALID_TOKEN: true,
  TOKEN_EXPIRED: true,
  WRONG_TOKEN_TYPE: true,
  USER_NOT_FOUND: true,
  TOKEN_REVOKED: true,
  TOKEN_REUSED: true,
  MISSING_TOKEN: false,
  INVALID_CREDENTIALS: false,
  WEAK_PASSWORD: false,
  GUESSABLE_PASSWORD: false,
  SERVER_BUSY: false,
};

/** A token was refused (RFC 6750 §3.1 `invalid_token`). */
export const INVALID_TOKEN_CHALLENGE = 'Bearer error="invalid_token"';
/** No token, or credentials that are not a token (a wrong password at sign-in). */
export const BEARER_CHALLENGE = "Bearer";

/**
 * The `WWW-Authenticate` value for an answer whose status is 401, else null. Answers that are
 * not errors cost one length check: every protected call passes here.
 */
export function challengeFor(
  data: readonly unknown[],
  errors: readonly TRPCError[],
): string | null {
  if (errors.length === 0) return null;
  if (getHTTPStatusCode(data as Parameters<typeof getHTTPStatusCode>[0]) !== 401) return null;
  const refused = errors.some(
    (error) => isAuthError(error.cause) && REFUSES_TOKEN[error.cause.code],
  );
  return refused ? INVALID_TOKEN_CHALLENGE : BEARER_CHALLENGE;
}
