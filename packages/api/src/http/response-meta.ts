// The `responseMeta` every adapter uses: the security headers, Retry-After for rate limits, the
// request id (and its line in the log), plus the headers procedures left in
// `ctx.responseHeaders` (the refresh cookie), so both adapters answer alike.
import type { ResponseMeta } from "@trpc/server/http";
import { type AnsweredCall, logAnswer } from "./access-log";
import { retryAfterMeta } from "./retry-after";

/**
 * On every answer, errors included. JSON is never to be sniffed into something a browser runs,
 * and an answer opened as a page may load nothing and be framed by no one.
 */
export const API_SECURITY_HEADERS = {
  "x-content-type-options": "nosniff",
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
} as const;

export function responseMeta(options: AnsweredCall): ResponseMeta {
  // Called once per answer by every adapter, which makes it the one place that sees them all.
  logAnswer(options);
  const meta = retryAfterMeta(options);
  const headers = meta.headers instanceof Headers ? new Headers(meta.headers) : new Headers();
  for (const [name, value] of Object.entries(API_SECURITY_HEADERS)) headers.set(name, value);
  const ctx = options.ctx;
  if (!ctx) return { ...meta, headers };
  // The id the server log names this request by, so a user's report can be matched to it.
  headers.set("x-request-id", ctx.requestId);
  // Iterating Headers yields each Set-Cookie on its own, so every cookie survives.
  for (const [name, value] of ctx.responseHeaders) headers.append(name, value);
  return { ...meta, headers };
}
