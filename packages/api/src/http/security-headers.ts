// The headers every API answer carries. No API code, so that `pnpm start`'s server can import
// them (`@kit/api/security-headers`) for the answers under /api/ that Next.js gives.
import type { ServerResponse } from "node:http";

/**
 * On every answer, errors included. JSON is never to be sniffed into something a browser runs,
 * and an answer opened as a page may load nothing and be framed by no one. Nor is it kept by a
 * browser's or a proxy's cache: answers carry tokens (RFC 6749 §5.1: no-store) and personal
 * data (sessions, addresses), and a GET query is as cacheable as a page otherwise.
 */
export const API_SECURITY_HEADERS = {
  "x-content-type-options": "nosniff",
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
  "cache-control": "no-store",
} as const;

/** Sets them on a response not written yet; a header the handler sets after replaces its own. */
export function setSecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(API_SECURITY_HEADERS)) res.setHeader(name, value);
}

/**
 * A refusal the server writes itself, before any handler: plain text with the headers above, and
 * the connection closed after, since the request's body (if any) is left unread.
 */
export function answerPlain(res: ServerResponse, status: number, text: string): void {
  res
    .writeHead(status, {
      ...API_SECURITY_HEADERS,
      "content-type": "text/plain; charset=utf-8",
      connection: "close",
    })
    .end(`${text}\n`);
}
