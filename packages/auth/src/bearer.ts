// parseBearer: reads the token out of an `Authorization: Bearer <token>` header (RFC 6750 §2.1).
import { AuthError } from "./errors";

// Past this a header is an attack on the parser, not a credential.
const MAX_HEADER_LENGTH = 8 * 1024;

// RFC 9110 §11.1: the auth-scheme is a token (tchar+), case-insensitive. It is Bearer when its
// first six characters spell it and no seventh tchar follows ("Bearerx" is another scheme).
// Matching the scheme alone, rather than capturing it and the rest, spares every protected call
// a second pass over the token and two string copies.
const BEARER_SCHEME = /^bearer(?![!#$%&'*+\-.^_`|~0-9A-Za-z])/i;
const SCHEME_LENGTH = "bearer".length;
// RFC 6750 §2.1: 1*SP b64token. Tabs and a second token are malformed, not another scheme.
const CREDENTIALS = /^ +([A-Za-z0-9\-._~+/]+=*)$/;

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
  const value = trimOws(header);
  if (!BEARER_SCHEME.test(value)) return null;
  const token = CREDENTIALS.exec(value.slice(SCHEME_LENGTH))?.[1];
  if (token === undefined) {
    throw new AuthError("INVALID_TOKEN", "Malformed Bearer credentials.");
  }
  return token;
}

// RFC 9110 §5.5: optional whitespace (SP, HTAB) around a field value is not part of it.
// A loop rather than /[ \t]+$/, which backtracks quadratically on long runs of spaces.
function trimOws(text: string): string {
  const isOws = (char: string | undefined) => char === " " || char === "\t";
  let start = 0;
  let end = text.length;
  while (start < end && isOws(text[start])) start++;
  while (end > start && isOws(text[end - 1])) end--;
  return text.slice(start, end);
}
