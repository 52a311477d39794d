// AuthError: the one error class this package throws for token, credential and password failures.

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
  | "WEAK_PASSWORD";

const DEFAULT_MESSAGES: Record<AuthErrorCode, string> = {
  MISSING_TOKEN: "Token required.",
  INVALID_TOKEN: "Invalid token.",
  TOKEN_EXPIRED: "Token expired.",
  WRONG_TOKEN_TYPE: "Invalid token type.",
  USER_NOT_FOUND: "User not found.",
  TOKEN_REVOKED: "Token revoked.",
  TOKEN_REUSED: "Refresh token reuse detected; the session has been revoked.",
  INVALID_CREDENTIALS: "Invalid credentials.",
  WEAK_PASSWORD: "Password must be 8 to 128 characters.",
};

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

  constructor(code: AuthErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? DEFAULT_MESSAGES[code], options);
    this.code = code;
  }
}

export function isAuthError(value: unknown): value is AuthError {
  return value instanceof AuthError;
}
