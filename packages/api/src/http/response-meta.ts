// The `responseMeta` every adapter uses: Retry-After for rate limits, the request id, plus the
// headers procedures left in `ctx.responseHeaders` (the refresh cookie), so both adapters answer
// alike.
import type { TRPCError } from "@trpc/server";
import type { ResponseMeta } from "@trpc/server/http";
import type { Context } from "../context";
import { retryAfterMeta } from "./retry-after";

export function responseMeta(options: {
  ctx?: Context | undefined;
  errors: readonly TRPCError[];
}): ResponseMeta {
  const meta = retryAfterMeta(options);
  const ctx = options.ctx;
  if (!ctx) return meta;
  const headers = meta.headers instanceof Headers ? new Headers(meta.headers) : new Headers();
  // The id the server log names this request by, so a user's report can be matched to it.
  headers.set("x-request-id", ctx.requestId);
  // Iterating Headers yields each Set-Cookie on its own, so every cookie survives.
  for (const [name, value] of ctx.responseHeaders) headers.append(name, value);
  return { ...meta, headers };
}
