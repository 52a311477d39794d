// tRPC's own test of a JSON body (the media type, case-insensitive, parameters ignored), shared
import { TRPCError } from "@trpc/server";
// by the fast path and the single-call path so both choose as tRPC would.

export function isJsonContentType(value: string | null | undefined): boolean {
  return value?.toLowerCase().split(";", 1)[0]?.trim() === "application/json";
}

/**
 * Refuses a body sent compressed or otherwise encoded (RFC 9110 §8.4: 415 for a coding the server
 * does not take): none is decoded here, so gzip failed as PARSE_ERROR while plain JSON labelled
 * `br` was taken. `identity` is no coding.
 */
export function refuseEncodedBody(contentEncoding: string | null | undefined): void {
  if (!contentEncoding || contentEncoding.trim().toLowerCase() === "identity") return;
  throw new TRPCError({
    code: "UNSUPPORTED_MEDIA_TYPE",
    message: "The request body must not be encoded (Content-Encoding): send the JSON as it is.",
  });
}
