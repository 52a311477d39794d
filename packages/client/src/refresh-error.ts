// Why a refresh failed, and which failures end the session.
import type { AppCode } from "@kit/api/wire";

/**
 * The `appCode`s that mean the refresh token will never work again: the session is over and
 * the client signs out. Anything else (network, 5xx, RATE_LIMITED, an odd answer) is passing:
 * the tokens are kept and a later call tries again, so nobody is signed out by accident.
 */
export const SIGN_OUT_CODES = [
  "TOKEN_REUSED",
  "TOKEN_REVOKED",
  "TOKEN_EXPIRED",
  "USER_NOT_FOUND",
  "INVALID_TOKEN",
  "WRONG_TOKEN_TYPE",
  "MISSING_TOKEN",
] as const satisfies readonly AppCode[];

export type SignOutCode = (typeof SIGN_OUT_CODES)[number];

/**
 * Why a session ended: a refresh answered one of SIGN_OUT_CODES, `signOut()` was called, or
 * another tab signed in as another account (`ACCOUNT_CHANGED`: this tab now holds that account's
 * tokens, and what it shows is the last account's).
 */
export type SignOutReason = SignOutCode | "SIGN_OUT" | "ACCOUNT_CHANGED";

/** The server's `data.appCode`, or ours when no answer could be read. */
export type RefreshErrorCode = AppCode | "NETWORK_ERROR" | "BAD_RESPONSE";

/**
 * The `appCode`s with which the server refuses an ordinary call because the session itself is
 * over, whatever the access token's age: no refresh can help, so the client signs out at once.
 */
export const SESSION_OVER_CODES = [
  "TOKEN_REVOKED",
  "TOKEN_REUSED",
  "USER_NOT_FOUND",
] as const satisfies readonly SignOutCode[];

export function isSessionOverCode(code: unknown): code is (typeof SESSION_OVER_CODES)[number] {
  return (SESSION_OVER_CODES as readonly unknown[]).includes(code);
}

export function isSignOutCode(code: unknown): code is SignOutCode {
  return (SIGN_OUT_CODES as readonly unknown[]).includes(code);
}

/**
 * A failed refresh. `code` is the server's `data.appCode` when it sent one, `NETWORK_ERROR`
 * when the server could not be reached (or timed out), `BAD_RESPONSE` for anything else
 * (a proxy's HTML 502, a success without tokens). `response` is the parsed JSON body, if any.
 */
export class RefreshError extends Error {
  override readonly name = "RefreshError";
  /** True when the session is over (see SIGN_OUT_CODES). */
  readonly signOut: boolean;

  constructor(
    readonly code: RefreshErrorCode,
    message: string,
    readonly status: number | null = null,
    readonly response: unknown = undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.signOut = isSignOutCode(code);
  }
}

export function isRefreshError(error: unknown): error is RefreshError {
  return error instanceof RefreshError;
}
