// The headers a proxy adds to what it passes on. A request carrying any came through one (or
// says it did): a proxy on this machine that passes its own Host on (nginx's default is
// proxy_pass's `127.0.0.1:port`) would otherwise make every client's request name this machine.
import type { IncomingHttpHeaders } from "node:http";

export const FORWARDING_HEADERS = [
  "forwarded",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-real-ip",
  "via",
] as const;

/** Whether the request carries a forwarding header: a Fetch API Headers, or Node's parsed ones. */
export function sentThroughProxy(headers: Headers | IncomingHttpHeaders): boolean {
  if (headers instanceof Headers) return FORWARDING_HEADERS.some((name) => headers.has(name));
  return FORWARDING_HEADERS.some((name) => headers[name] !== undefined);
}

/**
 * The headers without the forwarding ones: for a request that reached our own server without
 * any, which the framework then added (Next.js writes `x-forwarded-*` on every request it hands
 * a route handler), so that the route handler sees what the fast path sees.
 */
export function withoutForwarding(headers: Headers): Headers {
  if (!sentThroughProxy(headers)) return headers;
  const kept = new Headers(headers);
  for (const name of FORWARDING_HEADERS) kept.delete(name);
  return kept;
}
