// The wire contract between the API and its clients: where tRPC is served, the cookie-mode
// header, the batch limit and how a client reads `data.appCode`. Constants, types and one pure
// reader only, so a browser bundle can import it (`@kit/api/wire`) without pulling in the server.
import type { AuthErrorCode } from "@kit/auth";
import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import type { ApiErrorCode, AppCode, AppDeclaredCode } from "./errors";

export type { AuthEventType } from "./audit";
export type { ApiErrorCode, AppCode, AppDeclaredCode } from "./errors";

/** The path both adapters serve tRPC on, relative to the site's origin. */
export const TRPC_ENDPOINT = "/api/trpc";

/** GET: 200 while the server's database answers, 503 otherwise (see http/health.ts). */
export const HEALTH_PATH = "/api/health";

/**
 * Where the public keys are published (RFC 8414's well-known location, as OpenID providers use)
 * when tokens are signed with RS256, PS256 or ES256; with HS256 it answers 404.
 */
export const JWKS_PATH = "/.well-known/jwks.json";

const pathOf = (url: string | undefined) => (url ?? "").split("?")[0];

/** True for a request the health handler answers: the path, with or without a query. */
export function isHealthRequest(url: string | undefined): boolean {
  return pathOf(url) === HEALTH_PATH;
}

/** True for the JWKS path, with or without a query string. */
export function isJwksPath(url: string | undefined): boolean {
  return pathOf(url) === JWKS_PATH;
}

/**
 * How many refresh candidates a refresh takes (`candidates` in body mode, the candidates cookie
 * in cookie mode): the tokens that its earlier tries, answered 503 with `data.refreshCandidate`,
 * may have put in. The newest are kept.
 */
export const MAX_REFRESH_CANDIDATES = 4;

/**
 * `x-auth-refresh: cookie` asks for cookie mode: the refresh token travels as an HttpOnly cookie.
 * Browsers cannot send a custom header cross-origin without a CORS preflight, so it is also the
 * CSRF guard.
 */
export const COOKIE_MODE_HEADER = "x-auth-refresh";

/**
 * The kit's procedures that may answer with `Set-Cookie` (in cookie mode: the refresh cookie and
 * the device marker). A streamed answer (httpBatchStreamLink) cannot carry a cookie, so in cookie
 * mode the server refuses these in one (400 COOKIE_NOT_STREAMABLE): a client that streams sends
 * them through httpLink or httpBatchLink, with `splitLink({ condition: (op) => setsCookies(op.path) })`.
 */
export const COOKIE_PROCEDURES: readonly string[] = [
  "auth.register",
  "auth.login",
  "auth.refresh",
  "auth.logout",
  "account.changePassword",
];

/** True for a procedure in COOKIE_PROCEDURES: one to keep out of a streamed batch. */
export function setsCookies(path: string): boolean {
  return COOKIE_PROCEDURES.includes(path);
}

/** Batched calls per request (`?batch=1`): enough for a page's queries, too few to amplify work. */
export const MAX_BATCH_SIZE = 10;

/**
 * The `data.appCode` a failed call carries (a TRPCClientError, or anything shaped like one), or
 * null when there is none: a network failure, a proxy's error page. Branch on this, never on
 * the message.
 *
 * @example
 * if (readAppCode(error) === "RATE_LIMITED") showWait();
 */
export function readAppCode(error: unknown): AppCode | null {
  if (typeof error !== "object" || error === null || !("data" in error)) return null;
  const data: unknown = error.data;
  if (typeof data !== "object" || data === null || !("appCode" in data)) return null;
  // The server's closed list (AppCode); a value outside it still reads as what was sent.
  return typeof data.appCode === "string" ? (data.appCode as AppCode) : null;
}

/** One thing an input schema refused: where in the input (its path; empty for the whole) and why. */
export interface ValidationIssue {
  path: (string | number)[];
  message: string;
}

/**
 * The issues of a failed call's input (`data.issues`, sent with a VALIDATION its schema raised),
 * or none: a form marks the fields each names (`path[0]`) and shows its message.
 *
 * @example
 * for (const { path, message } of readValidationIssues(error)) markInvalid(path[0], message);
 */
export function readValidationIssues(error: unknown): ValidationIssue[] {
  if (typeof error !== "object" || error === null || !("data" in error)) return [];
  const data: unknown = error.data;
  if (typeof data !== "object" || data === null || !("issues" in data)) return [];
  if (!Array.isArray(data.issues)) return [];
  return data.issues.filter(isValidationIssue);
}

function isValidationIssue(issue: unknown): issue is ValidationIssue {
  if (typeof issue !== "object" || issue === null) return false;
  const { path, message } = issue as Partial<Record<keyof ValidationIssue, unknown>>;
  return (
    typeof message === "string" &&
    Array.isArray(path) &&
    path.every((key) => typeof key === "string" || typeof key === "number")
  );
}

// The codes the kit itself sends, its own and tRPC's. A record, so that a code added to either
// union without being listed here (or listed without being one) does not compile.
const KIT_CODES: Record<AuthErrorCode | ApiErrorCode, true> = {
  MISSING_TOKEN: true,
  INVALID_TOKEN: true,
  TOKEN_EXPIRED: true,
  WRONG_TOKEN_TYPE: true,
  USER_NOT_FOUND: true,
  TOKEN_REVOKED: true,
  TOKEN_REUSED: true,
  INVALID_CREDENTIALS: true,
  WEAK_PASSWORD: true,
  GUESSABLE_PASSWORD: true,
  SERVER_BUSY: true,
  EMAIL_TAKEN: true,
  PASSWORD_UNCHANGED: true,
  VALIDATION: true,
  RATE_LIMITED: true,
  SESSION_NOT_FOUND: true,
  CSRF_REJECTED: true,
  COOKIE_NOT_STREAMABLE: true,
  ADMIN_REQUIRED: true,
  ACCOUNT_NOT_FOUND: true,
  SELF_DEACTIVATION: true,
  DB_UNAVAILABLE: true,
  LIMITER_UNAVAILABLE: true,
};

/**
 * True for a code the app declared itself (AppErrorCodes), not one of the kit's or tRPC's: its
 * message was written by the app for the person who reads it, so a client may show it as it is.
 */
export function isAppDeclaredCode(code: string): code is AppDeclaredCode {
  return !Object.hasOwn(KIT_CODES, code) && !Object.hasOwn(TRPC_ERROR_CODES_BY_KEY, code);
}
