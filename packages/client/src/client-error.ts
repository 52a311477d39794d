// How a failure leaves one of the kit's links: as the TRPCClientError the caller expects.
import { TRPCClientError } from "@trpc/client";
import type { AnyTRPCRouter } from "@trpc/server";
import { isRefreshError } from "./refresh-error";

function isErrorEnvelope(json: unknown): json is { error: { code: number; message: string } } {
  if (typeof json !== "object" || json === null || !("error" in json)) return false;
  const error = json.error as { code?: unknown; message?: unknown } | null;
  return typeof error?.code === "number" && typeof error.message === "string";
}

/**
 * A refresh the server refused keeps the server's error shape (so `data.appCode` says why, and
 * `data.httpStatus` what it answered) with the RefreshError as its cause; anything else (the
 * server unreachable, an unreadable answer) has no `data`, as a failed fetch has.
 */
export function toClientError<TRouter extends AnyTRPCRouter>(
  error: unknown,
): TRPCClientError<TRouter> {
  if (isRefreshError(error) && isErrorEnvelope(error.response)) {
    return TRPCClientError.from<TRouter>(error.response, { cause: error });
  }
  return TRPCClientError.from<TRouter>(error instanceof Error ? error : new Error(String(error)));
}
