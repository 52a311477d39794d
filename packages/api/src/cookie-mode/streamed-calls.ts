// A streamed answer (`trpc-accept: application/jsonl`, tRPC's httpBatchStreamLink) sends its
// status and headers before any procedure has run, so a cookie a procedure sets never reaches
// the browser. In cookie mode that would lose the refresh token a login or a rotation hands out:
// the browser would keep the rotated-out one, and its next refresh would be TOKEN_REUSED, which
// revokes the session. Such calls are refused before anything runs.
import type { TRPCRequestInfo } from "@trpc/server/http";
import { AppError, toTRPCError } from "../errors";
import { isCookieMode } from "./refresh-cookie";

/** What a procedure's `.meta()` may say (`initTRPC.meta`): read before the call runs. */
export interface ProcedureMeta {
  /**
   * It may answer with `Set-Cookie` (the kit's: the refresh cookie and the device marker, in
   * cookie mode). In cookie mode a streamed call to it is refused with COOKIE_NOT_STREAMABLE.
   */
  setsCookies?: boolean;
}

/**
 * The `responseHeaders` a call's context gets, decided before any procedure runs: undefined
 * (the answer's own) unless tRPC streams the answer (`info.accept`, tRPC's own reading of
 * `trpc-accept` and `Accept`), then headers that refuse writes (see streamedAnswerHeaders).
 * Throws 400 COOKIE_NOT_STREAMABLE when a streamed cookie-mode batch calls a procedure that sets
 * cookies: every call of the batch then fails with it, none runs. The stream itself has started
 * (HTTP 200, as every streamed answer): the status is the error's `data.httpStatus`, as for any
 * streamed error.
 */
export function answerHeadersFor(
  headers: Headers,
  info: Pick<TRPCRequestInfo, "accept" | "calls">,
): Headers | undefined {
  if (info.accept !== "application/jsonl") return undefined;
  if (isCookieMode(headers)) refuseCookieCalls(info.calls);
  return streamedAnswerHeaders();
}

function refuseCookieCalls(calls: TRPCRequestInfo["calls"]): void {
  const call = calls.find(
    ({ procedure }) => (procedure?._def.meta as ProcedureMeta | undefined)?.setsCookies === true,
  );
  if (!call) return;
  const refusal = new AppError(
    "COOKIE_NOT_STREAMABLE",
    "BAD_REQUEST",
    `${call.path} sets a cookie, which a streamed answer cannot carry: call it through httpLink or httpBatchLink.`,
  );
  // As a TRPCError already: tRPC turns anything else thrown here into a 500.
  throw toTRPCError(refusal) ?? refusal;
}

/**
 * `ctx.responseHeaders` of a streamed answer: its headers are gone before a procedure runs, so
 * a header written there would be lost without a word. Writing one is a bug in the procedure
 * (mark it `setsCookies`), reported as such.
 */
function streamedAnswerHeaders(): Headers {
  const headers = new Headers();
  const refuse = (name: string): never => {
    throw new Error(
      `response header "${name}" set during a streamed answer, whose headers were already sent`,
    );
  };
  return Object.defineProperties(headers, { append: { value: refuse }, set: { value: refuse } });
}
