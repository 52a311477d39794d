// The request's own origin (scheme://host[:port]), from its URL and Host header or, behind trusted
// proxies, from the X-Forwarded-Proto / X-Forwarded-Host they set: the Secure flag, the CSRF
// check and the web app's HSTS header use it.
import { checkTrustProxy } from "./client-ip";

/** What the app's own server saw of a request's connection; only its TLS matters here. */
export interface ConnectionTls {
  /** TLS on this connection: the request's real scheme. */
  encrypted: boolean;
}

export interface RequestOriginInput {
  /** The request's absolute URL as the adapter saw it; null where unknown (createCaller). */
  url: string | null;
  headers: Headers;
  /** AUTH_TRUST_PROXY: with 0 no forwarding header is believed. */
  trustProxy: number;
  /**
   * The connection as the app's own server saw it: when known, its TLS is the scheme, not the
   * URL's (Next.js builds `request.url` with the scheme the client's own X-Forwarded-Proto
   * names, trusted or not). Absent or null (a bare `next start`, createCaller): the URL's.
   */
  connection?: ConnectionTls | null;
}

/**
 * The value a trusted proxy wrote: the N-th entry from the right for N proxies that append; with
 * fewer entries some proxy replaced the header rather than appending, so every entry left was
 * written by one of ours, and the leftmost is the outermost one's.
 */
function forwarded(headers: Headers, name: string, trustProxy: number): string | null {
  const header = headers.get(name);
  if (header === null) return null;
  const chain = header.split(",").map((entry) => entry.trim());
  const value = chain.length >= trustProxy ? chain[chain.length - trustProxy] : chain[0];
  return value ? value : null;
}

/**
 * `https://app.example.com`, `http://127.0.0.1:3000`, or null when it cannot be told.
 * Default ports are dropped, exactly as browsers write the `Origin` header.
 *
 * @example
 * requestOrigin({ url: "http://10.0.0.5:3000/api/trpc/auth.refresh", headers, trustProxy: 1 })
 * // "https://app.example.com" for X-Forwarded-Proto: https, X-Forwarded-Host: app.example.com
 */
export function requestOrigin(input: RequestOriginInput): string | null {
  const trustProxy = checkTrustProxy(input.trustProxy);
  let scheme: string | null = null;
  let host: string | null = null;
  if (input.url) {
    try {
      const url = new URL(input.url);
      scheme = input.connection
        ? input.connection.encrypted
          ? "https"
          : "http"
        : url.protocol.slice(0, -1);
      // The Host header is the one the browser addressed: Next.js builds `request.url` from its
      // configured hostname ("localhost:3000") whatever the browser used (127.0.0.1, a LAN name).
      host = input.headers.get("host") || url.host;
    } catch {}
  }
  // The client's own words unless a proxy we trust wrote them.
  if (trustProxy > 0) {
    scheme = forwarded(input.headers, "x-forwarded-proto", trustProxy)?.toLowerCase() ?? scheme;
    host = forwarded(input.headers, "x-forwarded-host", trustProxy) ?? host;
  }
  return normaliseOrigin(scheme && host ? `${scheme}://${host}` : null);
}

/** An http(s) origin in the form browsers send it, or null for anything else ("null" included). */
export function normaliseOrigin(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    if (url.protocol !== "http:" && url.protocol !== "https:") return null;
    // An Origin is scheme, host and port only; anything more was not written by a browser.
    if (url.pathname !== "/" || url.search || url.hash || url.username || url.password) return null;
    return url.origin;
  } catch {
    return null;
  }
}

export const isHttpsOrigin = (origin: string | null): boolean =>
  origin?.startsWith("https://") ?? false;

/**
 * True when the request reached the app over HTTPS: TLS on its connection or, behind trusted
 * proxies, the X-Forwarded-Proto they wrote. A client's own X-Forwarded-Proto never counts.
 *
 * @example
 * // Strict-Transport-Security only where it was really HTTPS (a page of the web app):
 * isHttpsRequest({ url: request.url, headers: request.headers, trustProxy, connection })
 */
export function isHttpsRequest(input: RequestOriginInput): boolean {
  return isHttpsOrigin(requestOrigin(input));
}
