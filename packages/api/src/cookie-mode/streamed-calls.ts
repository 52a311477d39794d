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

/** Whether tRPC streams this request's answer: the same reading of the headers as tRPC's own. */
export function isStreamedRequest(headers: Headers): boolean {
  const asked = headers.get("trpc-accept");
  if (asked !== null) return asked === "application/jsonl";
  const accept = headers.get("accept");
  return accept?.split(",").some((type) => type.trim() === "application/jsonl") ?? false;
}

/**
 * Throws 400 COOKIE_NOT_STREAMABLE when a streamed cookie-mode request calls a procedure that
 * sets cookies. Called where the context is made, before any procedure runs: every call of the
 * batch then fails with it, none runs. The stream itself has started (HTTP 200, as every
 * streamed answer): the status is the error's `data.httpStatus`, as for any streamed error.
 */
export function refuseStreamedCookieCalls(
  headers: Headers,
  info: Pick<TRPCRequestInfo, "calls"> | undefined,
): void {
  if (!info || !isCookieMode(headers) || !isStreamedRequest(headers)) return;
  const call = info.calls.find(
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
export function streamedAnswerHeaders(): Headers {
  const headers = new Headers();
  const refuse = (name: string): never => {
    throw new Error(
      `response header "${name}" set during a streamed answer, whose headers were already sent`,
    );
  };
  return Object.defineProperties(headers, { append: { value: refuse }, set: { value: refuse } });
}
