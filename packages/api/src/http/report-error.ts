// Server-side logging of unexpected failures: one structured line with the procedure and the
// request id the response carries; never the input (it holds tokens and passwords).
import type { TRPCError } from "@trpc/server";
import type { Context } from "../context";
import type { AppDeps } from "../deps";

export function reportError(deps: AppDeps) {
  return ({
    error,
    path,
    ctx,
  }: {
    error: TRPCError;
    path: string | undefined;
    ctx?: Context | undefined;
  }) => {
    if (error.code !== "INTERNAL_SERVER_ERROR") return;
    deps.logger.error(
      { err: error.cause ?? error, procedure: path ?? null, requestId: ctx?.requestId ?? null },
      "unexpected error",
    );
  };
}
