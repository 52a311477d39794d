// The API's error vocabulary: AppError for codes the API owns, and the one place domain errors
// (AuthError) become tRPC errors, so clients branch on `data.appCode`, never on message text.
import { AuthError, type AuthErrorCode, isAuthError } from "@kit/auth";
import { isDatabaseUnavailable, type RefusedValue, refusedValue } from "@kit/db";
import { TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import { ZodError } from "zod";

/** Codes the API adds to the auth package's. */
export type ApiErrorCode =
  | "EMAIL_TAKEN"
  // A password change to the password the account already has: it would change nothing.
  | "PASSWORD_UNCHANGED"
  | "VALIDATION"
  | "RATE_LIMITED"
  | "SESSION_NOT_FOUND"
  | "CSRF_REJECTED"
  // Cookie mode: a procedure that sets cookies, called for a streamed answer, which cannot carry them.
  | "COOKIE_NOT_STREAMABLE"
  // adminProcedure: the caller's row, read on this call, is not an admin's.
  | "ADMIN_REQUIRED"
  // The admin router: no account has that id (the caller's own USER_NOT_FOUND is a 401).
  | "ACCOUNT_NOT_FOUND"
  // An admin deactivating their own account would lock out the one person who can undo it.
  | "SELF_DEACTIVATION"
  | "DB_UNAVAILABLE"
  // Clearing an account's sign-in limits needs the limiter's store itself (Redis, or the
  // database's table), which did not answer: nothing was cleared.
  | "LIMITER_UNAVAILABLE";

/**
 * The app's own codes, which it declares by augmenting this interface (each key a code; the
 * value is unused): `AppError` then takes them, and every client typed on the app's router sees
 * them in `data.appCode`, as it sees the kit's. Empty in the kit, which throws none of them.
 *
 * @example
 * // apps/web/src/api/app-error-codes.ts
 * declare module "@kit/api" {
 *   interface AppErrorCodes {
 *     NOTE_NOT_FOUND: true;
 *   }
 * }
 * // in a procedure: throw new AppError("NOTE_NOT_FOUND", "NOT_FOUND", "No such note.");
 */
// biome-ignore lint/suspicious/noEmptyInterface: an interface, so the app's declaration merges into it
export interface AppErrorCodes {}
/** The codes the app declared in AppErrorCodes. */
export type AppDeclaredCode = Extract<keyof AppErrorCodes, string>;

/** Every `data.appCode` a client can see: ours, or the tRPC code for transport-level failures. */
export type AppCode = AuthErrorCode | ApiErrorCode | AppDeclaredCode | TRPC_ERROR_CODE_KEY;

// Recognised by a process-wide brand, not by module identity: a bundler may load this file once
// per bundle (Next.js does, per route, server component and instrumentation), and an error thrown
// by one copy must be recognised by another. See AuthError in @kit/auth for the same reasoning.
const APP_ERROR = Symbol.for("@kit/api.AppError");
const RATE_LIMITED_ERROR = Symbol.for("@kit/api.RateLimitedError");

function hasBrand(value: unknown, brand: symbol): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<symbol, unknown>)[brand] === true
  );
}

/** Makes `instanceof Class` check the brand; subclasses of it keep the ordinary prototype check. */
function recogniseByBrand(Class: abstract new (...args: never[]) => unknown, brand: symbol): void {
  Object.defineProperty(Class, Symbol.hasInstance, {
    value(this: unknown, value: unknown): boolean {
      if (this !== Class) return Function.prototype[Symbol.hasInstance].call(this, value);
      return hasBrand(value, brand);
    },
  });
}

/**
 * An error with a machine code of the kit's or of the app's own (AppErrorCodes): the client gets
 * `trpcCode`'s HTTP status, `data.appCode` and the message, which should be fit to show.
 */
export class AppError extends Error {
  override readonly name: string = "AppError";
  readonly [APP_ERROR] = true;

  constructor(
    readonly appCode: AuthErrorCode | ApiErrorCode | AppDeclaredCode,
    readonly trpcCode: TRPC_ERROR_CODE_KEY,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** 503 DB_UNAVAILABLE: the database's state, not the request's; the client keeps its session. */
export function databaseUnavailable(cause?: unknown): AppError {
  return new AppError(
    "DB_UNAVAILABLE",
    "SERVICE_UNAVAILABLE",
    "The service is briefly unavailable. Try again shortly.",
    cause === undefined ? undefined : { cause },
  );
}

/**
 * 503 DB_UNAVAILABLE for a refresh whose rotation may have taken: its swap was sent and no answer
 * came (a commit held by a synchronous standby, an answer lost on the way back). The client keeps
 * the token it presented, and the session may have moved on to `candidate`, the refresh token
 * the swap put in. A retry that presents the candidate beside its token gets that rotation's
 * outcome on any server, whatever the time: only this client was given it. Body mode carries it
 * in `data.refreshCandidate`, cookie mode in a cookie of its own. Private, so no logger that
 * copies an error's fields can write the token out.
 */
export class RotationInDoubt extends AppError {
  override readonly name: string = "RotationInDoubt";
  readonly #candidate: string;
  readonly #candidateExp: number;

  constructor(cause: unknown, candidate: { token: string; exp: number }) {
    super("DB_UNAVAILABLE", "SERVICE_UNAVAILABLE", databaseUnavailable().message, { cause });
    this.#candidate = candidate.token;
    this.#candidateExp = candidate.exp;
  }

  /** The refresh token the swap put in, if it took. */
  get candidate(): string {
    return this.#candidate;
  }

  /** Its `exp` (seconds since the epoch): how long a cookie may keep it. */
  get candidateExp(): number {
    return this.#candidateExp;
  }
}

/**
 * TOKEN_REVOKED for a session someone ended (signed out, a password change, an admin, reuse),
 * with when: a refusal in the moments after may be overtaken by the answer that ended it, which
 * can have handed the same browser a new session (see clearingDeadCookie).
 */
export class SessionEnded extends AuthError {
  constructor(readonly endedAt: Date) {
    super("TOKEN_REVOKED");
  }
}

// Auth failures are 401 except a bad password choice, which is the caller's input, and a full
// hashing queue, which is the server's state (503, with Retry-After: see retry-after.ts).
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
  GUESSABLE_PASSWORD: "BAD_REQUEST",
  SERVER_BUSY: "SERVICE_UNAVAILABLE",
};

// Said without the value or the column: the message reaches the client, and the value may be
// anything the client sent.
const REFUSED_VALUE_MESSAGES: Record<RefusedValue, string> = {
  NUL_CHARACTER: "Text cannot contain NUL characters.",
  TOO_LONG: "A value is longer than can be stored.",
  MALFORMED: "A value is not in the form expected.",
  OUT_OF_RANGE: "A value is out of range.",
  OTHER: "A value cannot be stored.",
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
  // Any procedure's statement, the app's own too: a value the database refuses as data (a NUL
  // character, longer than its column, not of its type) is bad input, not a server fault.
  const refused = refusedValue(error);
  if (refused !== null) {
    return toTRPCError(
      new AppError("VALIDATION", "BAD_REQUEST", REFUSED_VALUE_MESSAGES[refused], { cause: error }),
    );
  }
  // Down, restarting, unreachable or out of connections: the server's state, not a fault in the
  // request, and over by itself. 503 with Retry-After (retry-after.ts), so clients keep their
  // session and try again rather than treat it as a crash or a sign-out.
  if (isDatabaseUnavailable(error)) return toTRPCError(databaseUnavailable(error));
  return null;
}

/**
 * The schema's refusal when the request's input is what failed, else undefined. Only the input's:
 * a ZodError behind a 500 (an output schema, a parse inside a procedure) is the server's own.
 * zod 4 recognises its errors by brand too, so this holds across bundled copies of zod.
 */
export function inputRefusal(error: TRPCError): ZodError | undefined {
  return error.code === "BAD_REQUEST" && error.cause instanceof ZodError ? error.cause : undefined;
}

/** The machine code carried in `data.appCode` for any error tRPC reports. */
export function appCodeOf(error: TRPCError): AppCode {
  const cause = error.cause;
  if (isAuthError(cause)) return cause.code;
  if (cause instanceof AppError) return cause.appCode;
  if (inputRefusal(error)) return "VALIDATION";
  // A body that is not JSON (or is empty): tRPC reports it as a client error; say what it was.
  // (A SyntaxError a procedure throws is a 500 like any other error of the server's.)
  if (cause instanceof SyntaxError && error.code !== "INTERNAL_SERVER_ERROR") return "PARSE_ERROR";
  return error.code;
}

/** 429 with the wait the client must respect; adapters turn it into a `Retry-After` header. */
export class RateLimitedError extends AppError {
  override readonly name = "RateLimitedError";
  readonly [RATE_LIMITED_ERROR] = true;

  constructor(
    readonly retryAfterSeconds: number,
    message = "Too many attempts. Try again later.",
    /**
     * True when every budget that refused had refused this instance before and still held: the
     * refusal was recorded then, and a flood of repeats is not recorded one by one.
     */
    readonly repeated = false,
  ) {
    super("RATE_LIMITED", "TOO_MANY_REQUESTS", message);
  }
}

recogniseByBrand(AppError, APP_ERROR);
recogniseByBrand(RateLimitedError, RATE_LIMITED_ERROR);
