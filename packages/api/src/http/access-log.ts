// One log line per API answer (level info): what an operator greps when a user quotes the
// X-Request-Id of a failed call. Procedure names, status and appCode only: never the input,
// the query string or a header (they carry tokens and passwords).

import type { TRPCRequestInfo } from "@trpc/server/http";
import { getHTTPStatusCode } from "@trpc/server/http";
import type { Context } from "../context";

export interface AnsweredCall {
  ctx?: Context | undefined;
  info: TRPCRequestInfo | undefined;
  /** The answers tRPC is about to write, errors already shaped by the error formatter. */
  data: readonly unknown[];
}

export function logAnswer({ ctx, info, data }: AnsweredCall): void {
  const logger = ctx?.deps.logger;
  if (!ctx || !logger?.isLevelEnabled("info")) return;
  const appCodes = data.map(appCodeOf).filter((code): code is string => code !== undefined);
  logger.info(
    {
      requestId: ctx.requestId,
      procedure: info ? info.calls.map((call) => call.path).join(",") : null,
      status: getHTTPStatusCode(data as Parameters<typeof getHTTPStatusCode>[0]),
      ...(appCodes.length > 0 ? { appCode: appCodes.join(",") } : {}),
      ms: Math.round((performance.now() - ctx.startedAt) * 10) / 10,
    },
    "answered",
  );
}

function appCodeOf(answer: unknown): string | undefined {
  const code = (answer as { error?: { data?: { appCode?: unknown } } }).error?.data?.appCode;
  return typeof code === "string" ? code : undefined;
}
