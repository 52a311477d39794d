// How the credential procedures take and hand out refresh tokens: in the JSON body, or, in
// cookie mode (`x-auth-refresh: cookie`), in the HttpOnly `kit_refresh` cookie.
import { type AuthError, isAuthError } from "@kit/auth";
import type { AppDeps } from "../deps";
import { databaseUnavailable, RotationInDoubt, SessionEnded } from "../errors";
import { isHttpsOrigin } from "../request/request-origin";
import { MAX_REFRESH_CANDIDATES } from "../wire";
import { assertSameOrigin } from "./csrf";
import {
  candidatesCookie,
  clearedPlantedRefreshCookies,
  clearedRefreshCookie,
  HANDOVER_COOKIE_NAME,
  hasCandidatesCookie,
  hasHandoverCookie,
  isCookieMode,
  readCandidatesCookie,
  readHandoverCookie,
  readRefreshCookie,
  readRefreshCookieCopies,
  refreshCookie,
  setCookie,
} from "./refresh-cookie";

/** What cookie mode needs of a request context (the tRPC context has all of it). */
interface CookieContext {
  deps: AppDeps;
  headers: Headers;
  origin(): string | null;
  responseHeaders: Headers;
}

/** A pair to hand out: `refreshExp` (seconds since the epoch) is how long a cookie may keep it. */
interface TokenPair {
  access: string;
  refresh: string;
  refreshExp: number;
}

export interface PresentedToken {
  token: string;
  /** Read from the cookie (cookie mode, no token in the body). */
  fromCookie: boolean;
}

/**
 * The refresh token the request presents, or null. The body's wins whenever there is one, so
 * API clients that send `{refresh}` never depend on cookies. Only in cookie mode, and only past
 * the CSRF check (403 CSRF_REJECTED), is the cookie read.
 */
export function presentedToken(
  ctx: CookieContext,
  input: { refresh?: string | null } | null | undefined,
): PresentedToken | null {
  if (input?.refresh) return { token: input.refresh, fromCookie: false };
  if (!isCookieMode(ctx.headers)) return null;
  assertSameOrigin({ headers: ctx.headers, origin: ctx.origin() });
  let token: string | null;
  try {
    token = readRefreshCookie(ctx.headers, cookieOptions(ctx));
  } catch (error) {
    // Two copies: refused, and the planted one (on a path under /api) deleted where we can.
    clearPlantedCopies(ctx);
    throw error;
  }
  return token ? { token, fromCookie: true } : null;
}

/**
 * presentedToken for a logout: every copy of the cookie, where a refresh refuses two. The
 * person asked to sign out, and which copy is theirs cannot be told; refusing left them signed
 * in behind a page that said they were out. A planted copy is the planter's own session to end.
 */
export function presentedTokensToEnd(
  ctx: CookieContext,
  input: { refresh?: string | null } | null | undefined,
): PresentedToken[] {
  if (input?.refresh || !isCookieMode(ctx.headers)) {
    const one = presentedToken(ctx, input);
    return one ? [one] : [];
  }
  assertSameOrigin({ headers: ctx.headers, origin: ctx.origin() });
  const copies = readRefreshCookieCopies(ctx.headers, cookieOptions(ctx));
  if (copies.length > 1) clearPlantedCopies(ctx);
  return copies.map((token) => ({ token, fromCookie: true }));
}

function clearPlantedCopies(ctx: CookieContext): void {
  for (const cleared of clearedPlantedRefreshCookies()) {
    ctx.responseHeaders.append("set-cookie", cleared);
  }
}

const cookieOptions = (ctx: CookieContext) => ({ secure: isHttpsOrigin(ctx.origin()) });

/**
 * In cookie mode, refuses (403 CSRF_REJECTED) a call that hands out the refresh cookie unless it
 * comes from a page of this origin, before the procedure does anything. The custom header already
 * needs a CORS preflight no other origin is granted; this is the second lock, as on refresh and
 * logout: a foreign page cannot sign the browser in to an account of its choosing (login CSRF).
 */
export function assertCookieCallOrigin(ctx: CookieContext): void {
  if (isCookieMode(ctx.headers)) assertSameOrigin({ headers: ctx.headers, origin: ctx.origin() });
}

/**
 * The pair as the response body carries it. In cookie mode the refresh token goes into the
 * cookie, for as long as the token itself lives, and the body says `refresh: null`. `handover`
 * (a password change's new session): into the handover cookie too (see standingHandover).
 */
export function deliverPair(
  ctx: CookieContext,
  pair: TokenPair,
  { handover = false } = {},
): { access: string; refresh: string | null } {
  if (!isCookieMode(ctx.headers)) return { access: pair.access, refresh: pair.refresh };
  const maxAge = pair.refreshExp - Math.floor(ctx.deps.now() / 1000);
  const options = cookieOptions(ctx);
  ctx.responseHeaders.append("set-cookie", refreshCookie(pair.refresh, maxAge, options));
  if (handover) {
    ctx.responseHeaders.append(
      "set-cookie",
      setCookie(HANDOVER_COOKIE_NAME, pair.refresh, maxAge, options),
    );
  }
  return { access: pair.access, refresh: null };
}

export interface PresentedHandover {
  /** The handover cookie's token (see standingHandover); null without exactly one copy. */
  token: string | null;
  /** The request carried the handover cookie (any copy): settled, it is cleared. */
  cookieSent: boolean;
}

/** The handover a refresh presents: only beside a token read from the cookie. */
export function presentedHandover(ctx: CookieContext, token: PresentedToken): PresentedHandover {
  if (!token.fromCookie) return { token: null, cookieSent: false };
  const options = cookieOptions(ctx);
  return {
    token: readHandoverCookie(ctx.headers, options),
    cookieSent: hasHandoverCookie(ctx.headers, options),
  };
}

/**
 * The handover token a logout ends too: in cookie mode with no token in the body, so only past
 * the CSRF check presentedTokensToEnd made; else null.
 */
export function handoverToEnd(
  ctx: CookieContext,
  input: { refresh?: string | null } | null | undefined,
): string | null {
  if (input?.refresh || !isCookieMode(ctx.headers)) return null;
  const options = cookieOptions(ctx);
  if (!hasHandoverCookie(ctx.headers, options)) return null;
  clearHandover(ctx);
  return readHandoverCookie(ctx.headers, options);
}

/**
 * Runs a refresh of `presented` (`refresh`); when it is refused (an AuthError) and the request
 * carries a password change's handover that `standsFor` says may stand in for it (see
 * standingHandover), the refresh of the handover instead. Once a refresh settles (a pair, or a
 * 401) the handover cookie is cleared: of no more use. A 503 keeps it, for the retry.
 */
export async function handingOver<T>(
  ctx: CookieContext,
  presented: PresentedToken,
  handover: PresentedHandover,
  standsFor: (refusal: AuthError, handover: string | null) => Promise<string | null>,
  refresh: (token: string) => Promise<T>,
): Promise<T> {
  if (!handover.cookieSent) return refresh(presented.token);
  try {
    const result = await refresh(presented.token).catch(async (error: unknown) => {
      if (!isAuthError(error)) throw error;
      const standing = await standsFor(error, handover.token);
      if (!standing) throw error;
      return refresh(standing);
    });
    clearHandover(ctx);
    return result;
  } catch (error) {
    if (isAuthError(error)) clearHandover(ctx);
    throw error;
  }
}

function clearHandover(ctx: CookieContext): void {
  ctx.responseHeaders.append(
    "set-cookie",
    setCookie(HANDOVER_COOKIE_NAME, "", 0, cookieOptions(ctx)),
  );
}

export interface PresentedCandidates {
  /** Oldest first, at most MAX_REFRESH_CANDIDATES. */
  tokens: string[];
  /** The request carried the candidates cookie (any copy, read or not): settled, it is cleared. */
  cookieSent: boolean;
}

/**
 * The refresh candidates a refresh presents (see RotationInDoubt): the body's `candidates`
 * whenever there are any, else, when its token came from the cookie (so past the CSRF check),
 * the candidates cookie. A token in the body never makes the cookies read.
 */
export function presentedCandidates(
  ctx: CookieContext,
  input: { candidates?: string[] | null } | null | undefined,
  token: PresentedToken,
): PresentedCandidates {
  const cookieSent = token.fromCookie && carriesCandidatesCookie(ctx);
  if (input?.candidates?.length) return { tokens: newest(input.candidates), cookieSent };
  if (!token.fromCookie) return { tokens: [], cookieSent };
  return { tokens: newest(readCandidatesCookie(ctx.headers, cookieOptions(ctx))), cookieSent };
}

/** Whether the request carries a candidates cookie, in cookie mode: a logout clears it. */
export function carriesCandidatesCookie(ctx: CookieContext): boolean {
  return isCookieMode(ctx.headers) && hasCandidatesCookie(ctx.headers, cookieOptions(ctx));
}

const newest = (tokens: readonly string[]) => tokens.slice(-MAX_REFRESH_CANDIDATES);

/**
 * Runs a refresh (`work`) presented with `candidates`, and keeps the candidates cookie in step:
 * cleared once the refresh settles (a pair, or a 401: of no more use), and in cookie mode, for a
 * 503 whose rotation may have taken (RotationInDoubt), set to the ones presented and the new
 * one, the newest MAX_REFRESH_CANDIDATES, for as long as the new one lives. The browser's retry
 * then presents them all, to whichever server it reaches. Cookie mode hands out no token in a
 * body: its 503 is a plain DB_UNAVAILABLE.
 */
export async function settlingCandidates<T>(
  ctx: CookieContext,
  candidates: PresentedCandidates,
  work: () => Promise<T>,
): Promise<T> {
  let result: T;
  try {
    result = await work();
  } catch (error) {
    if (error instanceof RotationInDoubt && isCookieMode(ctx.headers)) {
      const maxAge = error.candidateExp - Math.floor(ctx.deps.now() / 1000);
      const tokens = newest([...candidates.tokens, error.candidate]);
      const cookie = candidatesCookie(tokens, maxAge, cookieOptions(ctx));
      ctx.responseHeaders.append("set-cookie", cookie);
      throw databaseUnavailable(error.cause);
    }
    if (candidates.cookieSent && isAuthError(error)) clearCandidates(ctx);
    throw error;
  }
  if (candidates.cookieSent) clearCandidates(ctx);
  return result;
}

/** Drops the candidates cookie: the refresh it was for has settled. */
export function clearCandidates(ctx: CookieContext): void {
  ctx.responseHeaders.append("set-cookie", candidatesCookie([], 0, cookieOptions(ctx)));
}

/** Tells the browser to drop the cookie (Max-Age=0, same path and attributes). */
export function clearRefreshCookie(ctx: CookieContext): void {
  ctx.responseHeaders.append("set-cookie", clearedRefreshCookie(cookieOptions(ctx)));
}

/**
 * Runs `work` with a token read from the cookie; when the token is refused for good (an
 * AuthError: every one of them is a 401 here) the cookie is cleared too, so the browser stops
 * sending a dead token. Except for a session ended within the grace window: the answer that
 * ended it may have given this browser the cookie of a new session (a password change opens
 * one, in the tab that made it), and this refusal, of a refresh another tab sent just before
 * with the old cookie, can land after it: clearing would sign the person out everywhere. The
 * cookie then goes at the next refusal, or with the next sign-in or sign-out.
 */
export async function clearingDeadCookie<T>(
  ctx: CookieContext,
  presented: PresentedToken,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (presented.fromCookie && isAuthError(error) && !endedJustNow(ctx, error)) {
      clearRefreshCookie(ctx);
    }
    throw error;
  }
}

function endedJustNow(ctx: CookieContext, error: unknown): boolean {
  if (!(error instanceof SessionEnded)) return false;
  return ctx.deps.now() - error.endedAt.getTime() < ctx.deps.sessions.refreshReuseGraceMs;
}

export { isCookieMode };
