// The `responseMeta` every adapter uses: the security headers, Retry-After for rate limits, a
// 401's challenge, the request id (and its line in the log), plus the headers procedures left in
// `ctx.responseHeaders` (the refresh cookie), so both adapters answer alike.
import { randomUUID } from "node:crypto";
import type { ResponseMeta } from "@trpc/server/http";
import type { AppDeps } from "../deps";
import { type AnsweredCall, logAnswer } from "./access-log";
import { allowedFor } from "./endpoint-methods";
import { retryAfterMeta } from "./retry-after";
import { API_SECURITY_HEADERS } from "./security-headers";
import { challengeFor } from "./www-authenticate";

/**
 * `responseMeta` for a server of `deps`. An answer with no context is one tRPC's transport gave
 * before any was made (a content type it refuses: 415; a batch over MAX_BATCH_SIZE: 400), or
 * one whose context failed (a streamed call refused, streamed-calls.ts): it gets a request id of
 * its own, its access-log line, and the JSON content type its body has (tRPC leaves the
 * transport's answers without one, so a Response makes them text/plain).
 */
export function responseMetaFor(deps: Pick<AppDeps, "logger">) {
  return (options: AnsweredCall): ResponseMeta => {
    if (options.ctx) return responseMeta(options);
    const requestId = randomUUID();
    logAnswer(options, { logger: deps.logger, requestId, startedAt: performance.now() });
    const meta = responseMeta(options);
    const headers = meta.headers instanceof Headers ? meta.headers : new Headers();
    // A streamed answer (whose context failed) has its content type from tRPC already; a call
    // that asked for one and is refused before it starts (not a batch) is plain JSON.
    if (!options.eagerGeneration) headers.set("content-type", "application/json");
    headers.set("x-request-id", requestId);
    return { ...meta, headers };
  };
}

/** The part that needs no server: what a call with a context is answered with. */
export function responseMeta(options: AnsweredCall): ResponseMeta {
  // Called once per answer by every adapter, which makes it the one place that sees them all.
  logAnswer(options);
  const meta = retryAfterMeta(options);
  const headers = meta.headers instanceof Headers ? new Headers(meta.headers) : new Headers();
  for (const [name, value] of Object.entries(API_SECURITY_HEADERS)) headers.set(name, value);
  const challenge = challengeFor(options.data, options.errors);
  if (challenge !== null) headers.set("www-authenticate", challenge);
  // RFC 9110 §15.5.6: a 405 names the methods that would do.
  if (options.errors.length > 0 && options.errors[0]?.code === "METHOD_NOT_SUPPORTED") {
    const calls = options.info?.calls;
    headers.set(
      "allow",
      allowedFor(calls?.length === 1 ? calls[0]?.procedure?._def.type : undefined),
    );
  }
  const ctx = options.ctx;
  if (!ctx) return { ...meta, headers };
  // The id the server log names this request by, so a user's report can be matched to it.
  headers.set("x-request-id", ctx.requestId);
  // Iterating Headers yields each Set-Cookie on its own, so every cookie survives.
  for (const [name, value] of ctx.responseHeaders) headers.append(name, value);
  return { ...meta, headers };
}
