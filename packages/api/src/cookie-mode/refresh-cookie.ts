// Cookie mode's wire format: whether a request asks for it, and the HttpOnly cookies it uses (the
// refresh token, the device marker, and for a while the refresh candidates or a password change's
// handover), read from requests and written to responses.
// The only file that imports `cookie`.

import { AuthError } from "@kit/auth";
import { stringifySetCookie } from "cookie";
import { COOKIE_MODE_HEADER, TRPC_ENDPOINT } from "../wire";

/** The cookie holding the refresh token in cookie mode, over plain HTTP. */
export const REFRESH_COOKIE_NAME = "kit_refresh";
/** The cookie holding the device marker (see device-marker.ts), over plain HTTP. */
export const DEVICE_COOKIE_NAME = "kit_device";
/**
 * Over HTTPS both take the `__Host-` prefix: a browser accepts such a cookie only from this very
 * host, Secure, with Path=/ and no Domain, so a sibling subdomain cannot plant one that shadows
 * ours. A cookie without the prefix is not ours over HTTPS and is never read there.
 */
const HOST_PREFIX = "__Host-";

/**
 * The cookie holding refresh candidates (see RotationInDoubt), over plain HTTP: set only with a
 * 503 whose rotation may have taken, cleared by the next refresh that settles.
 */
export const CANDIDATES_COOKIE_NAME = "kit_refresh_candidates";

/**
 * The cookie holding the refresh token a password change handed out (see deliverPair), over
 * plain HTTP: beside `kit_refresh` until the next refresh settles. In one browser, a refresh of
 * the old session sent by another tab a moment before the change can be answered after it: its
 * cookie then replaces the new session's in `kit_refresh`, and this one still has it.
 */
export const HANDOVER_COOKIE_NAME = "kit_refresh_handover";

export type KitCookie =
  | typeof REFRESH_COOKIE_NAME
  | typeof DEVICE_COOKIE_NAME
  | typeof CANDIDATES_COOKIE_NAME
  | typeof HANDOVER_COOKIE_NAME;

// Between candidates in their cookie: not in a JWT (base64url and dots), and a cookie may hold it.
const CANDIDATE_SEPARATOR = "~";

/**
 * The whole site, not just /api/trpc: server-rendered pages must see the refresh cookie to know
 * who is signed in without a flash (getSignedInUser), and `__Host-` requires Path=/ anyway. The
 * cookies stay HttpOnly (no script gets them) and SameSite=Lax (see setCookie).
 */
export const REFRESH_COOKIE_PATH = "/";

/** True when the request asks for cookie mode; without it the cookies are never read or written. */
export function isCookieMode(headers: Headers): boolean {
  return headers.get(COOKIE_MODE_HEADER)?.trim().toLowerCase() === "cookie";
}

export interface CookieOptions {
  /** The request came over HTTPS: the `__Host-` name and `Secure`. */
  secure: boolean;
}

/** The cookie's name on this connection. */
export function cookieName(cookie: KitCookie, options: CookieOptions): string {
  return options.secure ? `${HOST_PREFIX}${cookie}` : cookie;
}

/**
 * Every value the Cookie header gives `name`. A browser sends several cookies of one name when
 * another path or a parent domain set one too; `cookie`'s parser keeps only the first, and here
 * every copy must be counted.
 */
function valuesOf(header: string, name: string): string[] {
  const values: string[] = [];
  for (const part of header.split(";")) {
    const at = part.indexOf("=");
    if (at < 0 || part.slice(0, at).trim() !== name) continue;
    let value = part.slice(at + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      values.push(decodeURIComponent(value));
    } catch {
      values.push(value);
    }
  }
  return values;
}

/**
 * The cookie's value, or null when absent or empty. `secure`: over HTTPS only the `__Host-` name
 * counts; unknown (`null`, a caller that cannot tell): the `__Host-` one if present, else the
 * plain one. Two copies of the one that counts (a planted cookie beside ours, on another path or
 * a parent domain, whichever came first) are refused outright: INVALID_TOKEN, never a guess. A
 * plain copy beside a `__Host-` one is not ours (no other site or path can set that name) and
 * changes nothing: counting it would let a sibling subdomain refuse every refresh of ours.
 */
export function readCookie(
  headers: Headers,
  cookie: KitCookie,
  options: { secure: boolean | null },
): string | null {
  const counted = cookieCopies(headers, cookie, options);
  if (counted.length > 1) {
    throw new AuthError("INVALID_TOKEN", `More than one ${cookie} cookie was sent.`);
  }
  return counted[0] || null;
}

/** Every copy of the cookie that counts (as readCookie chooses them), in the order sent. */
function cookieCopies(
  headers: Headers,
  cookie: KitCookie,
  options: { secure: boolean | null },
): string[] {
  const header = headers.get("cookie");
  if (!header) return [];
  const hosted = valuesOf(header, `${HOST_PREFIX}${cookie}`);
  if (options.secure === false) return valuesOf(header, cookie);
  return hosted.length > 0 || options.secure === true ? hosted : valuesOf(header, cookie);
}

/**
 * Every non-empty refresh token the request's cookies carry (readRefreshCookie refuses two):
 * for a logout, which ends them all rather than choose.
 */
export function readRefreshCookieCopies(
  headers: Headers,
  options: { secure: boolean | null } = { secure: null },
): string[] {
  return cookieCopies(headers, REFRESH_COOKIE_NAME, options).filter(Boolean);
}

/**
 * The refresh candidates the request's cookie carries, oldest first; none when there is no such
 * cookie, or more than one copy (a candidate proves nothing by itself, so a planted copy is
 * ignored rather than refused: the refresh goes on by its token alone).
 */
export function readCandidatesCookie(
  headers: Headers,
  options: { secure: boolean | null },
): string[] {
  const copies = cookieCopies(headers, CANDIDATES_COOKIE_NAME, options);
  if (copies.length !== 1) return [];
  return (copies[0] ?? "").split(CANDIDATE_SEPARATOR).filter(Boolean);
}

/** Whether the request carries the candidates cookie at all (any copy, whatever its value). */
export function hasCandidatesCookie(
  headers: Headers,
  options: { secure: boolean | null },
): boolean {
  return cookieCopies(headers, CANDIDATES_COOKIE_NAME, options).length > 0;
}

/** The `Set-Cookie` value that stores `candidates` for `maxAgeSeconds` (0 deletes it). */
export function candidatesCookie(
  candidates: readonly string[],
  maxAgeSeconds: number,
  options: CookieOptions,
): string {
  return setCookie(
    CANDIDATES_COOKIE_NAME,
    candidates.join(CANDIDATE_SEPARATOR),
    maxAgeSeconds,
    options,
  );
}

/**
 * The handed-over refresh token the request's cookie carries; null without one, or with more
 * than one copy (a planted copy is ignored, not refused: the refresh goes on by its token alone).
 */
export function readHandoverCookie(
  headers: Headers,
  options: { secure: boolean | null },
): string | null {
  const copies = cookieCopies(headers, HANDOVER_COOKIE_NAME, options);
  return copies.length === 1 ? copies[0] || null : null;
}

/** Whether the request carries the handover cookie at all (any copy, whatever its value). */
export function hasHandoverCookie(headers: Headers, options: { secure: boolean | null }): boolean {
  return cookieCopies(headers, HANDOVER_COOKIE_NAME, options).length > 0;
}

/** The refresh token from the request's `Cookie` header; null when absent or empty. */
export function readRefreshCookie(
  headers: Headers,
  options: { secure: boolean | null } = { secure: null },
): string | null {
  return readCookie(headers, REFRESH_COOKIE_NAME, options);
}

/**
 * The `Set-Cookie` value storing `value` for `maxAgeSeconds` (0 deletes it).
 *
 * @example
 * setCookie("kit_refresh", token, claims.exp - nowSeconds, { secure: true })
 * // "__Host-kit_refresh=eyJ…; Max-Age=604800; Path=/; HttpOnly; Secure; SameSite=Lax"
 */
export function setCookie(
  cookie: KitCookie,
  value: string,
  maxAgeSeconds: number,
  options: CookieOptions,
): string {
  return stringifySetCookie({
    name: cookieName(cookie, options),
    value,
    maxAge: Math.max(0, Math.floor(maxAgeSeconds)),
    path: REFRESH_COOKIE_PATH,
    // Page script never sees the token (that is cookie mode's point) ...
    httpOnly: true,
    // ... and another site's page can make the browser send it only by opening one of ours (a
    // link followed, a GET): a page render reads it and writes nothing. Strict kept it from those
    // too, and so sent everyone who followed a link from elsewhere to the sign-in form. CSRF is
    // the custom header and the Origin check's to stop (csrf.ts), as it was.
    sameSite: "lax",
    secure: options.secure,
  });
}

/** The `Set-Cookie` value that stores a refresh token until its own `exp`. */
export function refreshCookie(
  token: string,
  maxAgeSeconds: number,
  options: CookieOptions,
): string {
  return setCookie(REFRESH_COOKIE_NAME, token, maxAgeSeconds, options);
}

/**
 * The paths a cookie planted beside ours can hold and still reach the procedures that read ours
 * (a browser sends a cookie to every path under its own). Ours is on `/`, never among them.
 */
const PLANTABLE_PATHS = [
  ...pathPrefixes(TRPC_ENDPOINT),
  `${TRPC_ENDPOINT}/auth.refresh`,
  `${TRPC_ENDPOINT}/auth.logout`,
];

/** "/api/trpc" → "/api", "/api/", "/api/trpc", "/api/trpc/": each matches every path below it. */
function pathPrefixes(path: string): string[] {
  const segments = path.split("/").filter(Boolean);
  return segments.flatMap((_, at) => {
    const prefix = `/${segments.slice(0, at + 1).join("/")}`;
    return [prefix, `${prefix}/`];
  });
}

/**
 * The `Set-Cookie` values that delete copies of the plain refresh cookie on the paths above:
 * sent with the refusal of two copies, so that the next request carries ours alone. Only a plain
 * copy can be planted (a `__Host-` one must have Path=/ and come from this very host), and one
 * set with another site's Domain is out of our reach.
 */
export function clearedPlantedRefreshCookies(): string[] {
  return deletionsOn(PLANTABLE_PATHS);
}

/** `Set-Cookie` values deleting a plain (not `__Host-`) refresh cookie on each of `paths`. */
function deletionsOn(paths: readonly string[]): string[] {
  return paths.map((path) =>
    stringifySetCookie({ name: REFRESH_COOKIE_NAME, value: "", maxAge: 0, path }),
  );
}

/**
 * For a page request at `pathname` that carries more than one plain refresh cookie: the
 * `Set-Cookie` values deleting copies on that path and each of its parents below `/` (ours).
 * A copy planted on a page's path (`Path=/dashboard`) reaches that page alone, which then sent
 * the visitor to sign-in, whose page saw only ours and sent them back, for as long as the
 * planted copy lived. Empty when there is at most one.
 */
export function clearedPlantedPageCookies(headers: Headers, pathname: string): string[] {
  const header = headers.get("cookie");
  if (!header || valuesOf(header, REFRESH_COOKIE_NAME).length < 2) return [];
  return deletionsOn(pathPrefixes(pathname));
}

/** The `Set-Cookie` value that deletes the refresh cookie (same name, path and attributes). */
export function clearedRefreshCookie(options: CookieOptions): string {
  return setCookie(REFRESH_COOKIE_NAME, "", 0, options);
}
