// parseBearer: reads the token out of an `Authorization: Bearer <token>` header (RFC 6750 §2.1).
// Every protected call runs it over a ~430-character header: the scheme and the spaces are read
// by character code, and the token's characters checked by one sticky expression that neither
// captures nor copies (two expressions with a capture, before, cost about twice as much).
import { AuthError } from "./errors";

// Past this a header is an attack on the parser, not a credential.
const MAX_HEADER_LENGTH = 8 * 1024;

const SPACE = 0x20;
const TAB = 0x09;
const SCHEME = "bearer";

// RFC 9110 §5.6.2: the characters of a token, which an auth-scheme is, as a table over ASCII.
const TCHAR = new Uint8Array(128);
for (const char of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") {
  TCHAR[char.charCodeAt(0)] = 1;
}
// RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=",
// from `lastIndex` to the end of the text it is given.
const B64TOKEN = /[A-Za-z0-9\-._~+/]+=*$/y;

const isTchar = (code: number) => code < 128 && TCHAR[code] === 1;
// RFC 9110 §5.5: optional whitespace (SP, HTAB) around a field value is not part of it.
const isOws = (code: number) => code === SPACE || code === TAB;

/**
 * Returns the bearer token, or null when the request carries no bearer credentials at all
 * (no header, or another scheme such as Basic), so another authenticator may try.
 * Throws AuthError INVALID_TOKEN when the scheme is Bearer but the rest is malformed.
 *
 * @example
 * parseBearer(headers.get("authorization")); // "eyJ..." | null
 */
export function parseBearer(header: string | null | undefined): string | null {
  if (header === null || header === undefined) return null;
  if (header.length > MAX_HEADER_LENGTH) {
    throw new AuthError("INVALID_TOKEN", "Authorization header too large.");
  }
  let start = 0;
  let end = header.length;
  while (start < end && isOws(header.charCodeAt(start))) start++;
  while (end > start && isOws(header.charCodeAt(end - 1))) end--;
  // The auth-scheme is case-insensitive, and Bearer only when no seventh tchar follows its six
  // letters ("Bearerx" is another scheme). Or-ing 0x20 lowers a letter and maps nothing else
  // onto one.
  if (end - start < SCHEME.length) return null;
  for (let k = 0; k < SCHEME.length; k++) {
    if ((header.charCodeAt(start + k) | 0x20) !== SCHEME.charCodeAt(k)) return null;
  }
  let at = start + SCHEME.length;
  if (at < end && isTchar(header.charCodeAt(at))) return null;
  // 1*SP b64token: tabs, nothing at all, or a second token are malformed, not another scheme.
  const spaces = at;
  while (at < end && header.charCodeAt(at) === SPACE) at++;
  B64TOKEN.lastIndex = at;
  if (at === spaces || !B64TOKEN.test(end === header.length ? header : header.slice(0, end))) {
    throw new AuthError("INVALID_TOKEN", "Malformed Bearer credentials.");
  }
  return header.slice(at, end);
}
