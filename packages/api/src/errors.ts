// The API's error vocabulary: AppError for codes the API owns, and the one place domain errors
// (AuthError) become tRPC errors, so clients branch on `data.appCode`, never on message text.
import { type AuthErrorCode, isAuthError } from "@kit/auth";
import { TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import { ZodError } from "zod";

/** Codes the API adds to the auth package's. */
export type ApiErrorCode =
  | "EMAIL_TAKEN"
  | "VALIDATION"
  | "RATE_LIMITED"
  | "SESSION_NOT_FOUND"
  | "CSRF_REJECTED";

/** Every `data.appCode` a client can see: ours, or the tRPC code for transport-level failures. */
export type AppCode = AuthErrorCode | ApiErrorCode | TRPC_ERROR_CODE_KEY;

export class AppError extends Error {
  override readonly name = "AppError";
  constructor(
    readonly appCode: AuthErrorCode | ApiErrorCode,
    readonly trpcCode: TRPC_ERROR_CODE_KEY,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

// Auth failures are 401 except a bad password choice, which is the caller's input.
const AUTH_TRPC_CODE: Record<AuthErrorCode, TRPC_ERROR_CODE_KEY> = {
  MISSING_TOKEN: "UNAUTHORIZED",
  INVALID_TOKEN: "UNAUTHORIZED",
  TOKEN_EXPIRED: "UNAUTHORIZED",
  WRONG_TOKEN_TYPE: "UNAUTHORIZED",
  USER_NOT_FOUND: "UNAUTHORIZED",
  TOKEN_REVOKED: "UNAUTHORIZED",
  TOKEN_REUSED: "UNAUTHORIZED",
  INVALID_CREDENTIALS: "UNAUTHORIZED",
  WEAK_PASSWORD: "BAD_REQUEST",
};

/** Turns a domain error into the TRPCError the wire sees, keeping it as the cause. */
export function toTRPCError(error: unknown): TRPCError | null {
  if (isAuthError(error)) {
    return new TRPCError({
      code: AUTH_TRPC_CODE[error.code],
      message: error.message,
      cause: error,
    });
  }
  if (error instanceof AppError) {
    return new TRPCError({ code: error.trpcCode, message: error.message, cause: error });
  }
  return null;
}

/** The machine code carried in `data.appCode` for any error tRPC reports. */
export function appCodeOf(error: TRPCError): AppCode {
  const cause = error.cause;
  if (isAuthError(cause)) return cause.code;
  if (cause instanceof AppError) return cause.appCode;
  if (cause instanceof ZodError) return "VALIDATION";
  // A body that is not JSON (or is empty): tRPC reports it as BAD_REQUEST; say what it was.
  if (cause instanceof SyntaxError) return "PARSE_ERROR";
  return error.code;
}

/** 429 with the wait the client must respect; adapters turn it into a `Retry-After` header. */
export class RateLimitedError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super("RATE_LIMITED", "TOO_MANY_REQUESTS", "Too many attempts. Try again later.");
  }
}
