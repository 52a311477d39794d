// AuthError: the one error class this package throws for token, credential and password failures.
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "./password-limits";

/** Machine codes; callers branch on these, never on the message text. */
export type AuthErrorCode =
  | "MISSING_TOKEN"
  | "INVALID_TOKEN"
  | "TOKEN_EXPIRED"
  | "WRONG_TOKEN_TYPE"
  | "USER_NOT_FOUND"
  | "TOKEN_REVOKED"
  | "TOKEN_REUSED"
  | "INVALID_CREDENTIALS"
  | "WEAK_PASSWORD"
  | "GUESSABLE_PASSWORD"
  | "SERVER_BUSY";

const DEFAULT_MESSAGES: Record<AuthErrorCode, string> = {
  MISSING_TOKEN: "Token required.",
  INVALID_TOKEN: "Invalid token.",
  TOKEN_EXPIRED: "Token expired.",
  WRONG_TOKEN_TYPE: "Invalid token type.",
  USER_NOT_FOUND: "User not found.",
  TOKEN_REVOKED: "Token revoked.",
  TOKEN_REUSED: "Refresh token reuse detected; the session has been revoked.",
  INVALID_CREDENTIALS: "Invalid credentials.",
  WEAK_PASSWORD: `Password must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters.`,
  GUESSABLE_PASSWORD: "This password is too easy to guess.",
  SERVER_BUSY: "Too many password checks in progress. Try again shortly.",
};

// Bundlers may load this file more than once in one process (Next.js gives instrumentation,
// route handlers and server components their own copy of a workspace package), and an error
// thrown by one copy must still be recognised by another. So an AuthError is recognised by a
// process-wide brand, not by which copy of the class made it; `instanceof AuthError` goes
// through the same check, as zod 4 does for its own classes.
const BRAND = Symbol.for("@kit/auth.AuthError");

/**
 * A failure the caller should report to the client by `code`.
 * Programmer mistakes (bad options) are plain `TypeError`s instead.
 *
 * @example
 * throw new AuthError("INVALID_TOKEN", undefined, { cause: libraryError });
 */
export class AuthError extends Error {
  override readonly name = "AuthError";
  readonly code: AuthErrorCode;
  readonly [BRAND] = true;

  constructor(code: AuthErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? DEFAULT_MESSAGES[code], options);
    this.code = code;
  }
}

// `instanceof AuthError` checks the brand; a subclass keeps the ordinary prototype check.
Object.defineProperty(AuthError, Symbol.hasInstance, {
  value(this: unknown, value: unknown): boolean {
    if (this !== AuthError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return isAuthError(value);
  },
});

/** True for an AuthError from any copy of this package in the process. */
export function isAuthError(value: unknown): value is AuthError {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as { [BRAND]?: unknown; code?: unknown };
  return (
    candidate[BRAND] === true &&
    typeof candidate.code === "string" &&
    Object.hasOwn(DEFAULT_MESSAGES, candidate.code)
  );
}
