// Server-side logging of unexpected failures: the error only, never the input (it holds tokens).
import type { TRPCError } from "@trpc/server";
import type { AppDeps } from "../deps";

export function reportError(deps: AppDeps) {
  return ({ error, path }: { error: TRPCError; path: string | undefined }) => {
    if (error.code !== "INTERNAL_SERVER_ERROR") return;
    const cause = error.cause ?? error;
    deps.logError?.(`[trpc] ${path ?? "?"} failed: ${cause.stack ?? cause.message}`);
  };
}
