// The security headers of every page: a Content-Security-Policy built around a per-request nonce
// (Next.js puts it on its own scripts), no framing, no MIME sniffing, and HSTS over HTTPS.
import { randomBytes } from "node:crypto";

export interface PageSecurityOptions {
  /** This request's nonce (createNonce): the only inline scripts allowed are the ones carrying it. */
  nonce: string;
  /** Next.js's development server: React's dev tooling needs eval, its overlay injects styles. */
  dev: boolean;
  /** The request really came over HTTPS (`isHttpsRequest` from @kit/api). */
  https: boolean;
}

/** 128 random bits, base64: unguessable, and a fresh one for every request. */
export function createNonce(): string {
  return randomBytes(16).toString("base64");
}

/**
 * The page policy. Everything the app loads is its own; scripts run only if they carry the
 * nonce or were added by one that runs ('strict-dynamic': Next's runtime loads its chunks). So it
 * stops script injected as markup (a <script> tag, an inline handler, a javascript: URL), not
 * code that already runs: that may add scripts, inline ones included.
 *
 * @example
 * contentSecurityPolicy({ nonce: "abc", dev: false })
 * // "default-src 'self'; script-src 'self' 'nonce-abc' 'strict-dynamic'; style-src 'self' …"
 */
export function contentSecurityPolicy(options: Pick<PageSecurityOptions, "nonce" | "dev">): string {
  const nonce = `'nonce-${options.nonce}'`;
  const directives: [string, ...string[]][] = [
    ["default-src", "'self'"],
    // 'unsafe-eval' only in development, where React rebuilds server error stacks with eval;
    // production React and Next.js never eval.
    ["script-src", "'self'", nonce, "'strict-dynamic'", ...(options.dev ? ["'unsafe-eval'"] : [])],
    // The app's CSS is one stylesheet file; Next puts the nonce on any <style> it renders. In
    // development the error overlay injects un-nonced styles, and a nonce would disable
    // 'unsafe-inline', so there it is inline styles instead.
    ["style-src", "'self'", ...(options.dev ? ["'unsafe-inline'"] : [nonce])],
    ["img-src", "'self'", "data:"],
    // The tRPC API is same-origin (and in development so is the hot-reload WebSocket).
    ["connect-src", "'self'"],
    ["object-src", "'none'"],
    // An injected <base> could point every relative script URL elsewhere.
    ["base-uri", "'none'"],
    ["form-action", "'self'"],
    ["frame-ancestors", "'none'"],
  ];
  return directives.map((directive) => directive.join(" ")).join("; ");
}

/**
 * Every header a page response carries.
 *
 * @example
 * pageSecurityHeaders({ nonce: createNonce(), dev: false, https: isHttpsRequest(…) })
 */
export function pageSecurityHeaders(options: PageSecurityOptions): Headers {
  const headers = new Headers({
    "Content-Security-Policy": contentSecurityPolicy(options),
    "X-Content-Type-Options": "nosniff",
    // Stricter than the browsers' default (strict-origin-when-cross-origin): no other site learns
    // even our origin when a visitor follows a link away. Not no-referrer: under it browsers also
    // send `Origin: null` on same-origin form posts (Fetch spec), and origin checks need it.
    "Referrer-Policy": "same-origin",
    // frame-ancestors, for browsers that predate it.
    "X-Frame-Options": "DENY",
  });
  // Only over HTTPS: on plain HTTP browsers ignore it, and a client's own X-Forwarded-Proto must
  // not pin a site that has no certificate to HTTPS for two years.
  if (options.https) {
    headers.set("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
  }
  return headers;
}
