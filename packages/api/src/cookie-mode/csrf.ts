// The CSRF guard for a refresh token read from the cookie: the custom header (which a cross-site
// page cannot send without a CORS preflight we never grant) plus a same-origin Origin header.
import { AppError } from "../errors";
import { normaliseOrigin } from "../request/request-origin";

export interface CsrfInput {
  headers: Headers;
  /** The request's own origin (see requestOrigin); null refuses every cookie read. */
  origin: string | null;
}

/**
 * Throws 403 CSRF_REJECTED unless the request comes from a page of this very origin: `Origin`
 * present and equal to the request's own origin, and `Sec-Fetch-Site`, where the browser sends
 * it, `same-origin`. Call it only after the cookie-mode header was seen.
 */
export function assertSameOrigin(input: CsrfInput): void {
  const claimed = normaliseOrigin(input.headers.get("origin"));
  // Browsers send Origin on every POST fetch; without one (or with "null") we cannot tell where
  // the request came from, so the cookie is not used.
  const sameOrigin = claimed !== null && input.origin !== null && claimed === input.origin;
  // Fetch metadata is the browser's own statement and cannot be forged by page script; a sibling
  // subdomain (`same-site`) is as foreign here as another site.
  const site = input.headers.get("sec-fetch-site");
  const fetchSiteOk = site === null || site === "same-origin";
  if (!sameOrigin || !fetchSiteOk) {
    throw new AppError("CSRF_REJECTED", "FORBIDDEN", "Cross-origin request refused.");
  }
}
