// Cookie mode's wire format: the header that asks for it, and the `kit_refresh` cookie read from
// requests and written to responses. The only file that imports `cookie`.
import { parseCookie, stringifySetCookie } from "cookie";

/** The cookie holding the refresh token in cookie mode. */
export const REFRESH_COOKIE_NAME = "kit_refresh";
/**
 * The whole site, not just /api/trpc: server-rendered pages must see the cookie to know who is
 * signed in without a flash (getSignedInUser), and a browser sends a Path=/api/trpc cookie to
 * nothing else. It stays HttpOnly and SameSite=Strict, so no script and no cross-site request
 * ever gets it; only this server's own pages and API do.
 */
export const REFRESH_COOKIE_PATH = "/";
/** `x-auth-refresh: cookie` asks for cookie mode (same constant as @kit/client's). */
export const COOKIE_MODE_HEADER = "x-auth-refresh";

/** True when the request asks for cookie mode; without it the cookie is never read or written. */
export function isCookieMode(headers: Headers): boolean {
  return headers.get(COOKIE_MODE_HEADER)?.trim().toLowerCase() === "cookie";
}

/** The refresh token from the request's `Cookie` header; null when absent or empty. */
export function readRefreshCookie(headers: Headers): string | null {
  const header = headers.get("cookie");
  if (!header) return null;
  // Of two same-named cookies the first is kept: browsers list the longest path first, ours.
  return parseCookie(header)[REFRESH_COOKIE_NAME] || null;
}

export interface RefreshCookieOptions {
  /** Adds `Secure`: set it whenever the request came over https. */
  secure: boolean;
}

function serialise(value: string, maxAge: number, options: RefreshCookieOptions): string {
  return stringifySetCookie({
    name: REFRESH_COOKIE_NAME,
    value,
    maxAge,
    path: REFRESH_COOKIE_PATH,
    // Page script never sees the token (that is cookie mode's point) ...
    httpOnly: true,
    // ... and no other site's page can make the browser send it.
    sameSite: "strict",
    secure: options.secure,
  });
}

/**
 * The `Set-Cookie` value that stores a refresh token until its own `exp` (epoch seconds).
 *
 * @example
 * refreshCookie(token, claims.exp - nowSeconds, { secure: true })
 * // "kit_refresh=eyJ…; Max-Age=604800; Path=/; HttpOnly; Secure; SameSite=Strict"
 */
export function refreshCookie(
  token: string,
  maxAgeSeconds: number,
  options: RefreshCookieOptions,
): string {
  return serialise(token, Math.max(0, Math.floor(maxAgeSeconds)), options);
}

/** The `Set-Cookie` value that deletes the cookie (same name, path and attributes, Max-Age=0). */
export function clearedRefreshCookie(options: RefreshCookieOptions): string {
  return serialise("", 0, options);
}
