// One log line per API answer (level info): what an operator greps when a user quotes the
// X-Request-Id of a failed call. Procedure names, status and appCode only: never the input,
// the query string or a header (they carry tokens and passwords).

import type { TRPCError } from "@trpc/server";
import type { TRPCRequestInfo } from "@trpc/server/http";
import { getHTTPStatusCode } from "@trpc/server/http";
import type { Context } from "../context";
import { appCodeOf } from "../errors";
import type { Logger } from "../logger";

export interface AnsweredCall {
  ctx?: Context | undefined;
  info: TRPCRequestInfo | undefined;
  /** The answers tRPC is about to write. */
  data: readonly unknown[];
  errors: readonly TRPCError[];
  /**
   * A streamed answer (`trpc-accept: application/jsonl`): its head (200) goes out before any call
   * has run, so `data` and `errors` are empty; each call's outcome is a line of the stream.
   */
  eagerGeneration?: boolean;
}

// The line's keys are these five (six for a streamed answer), and none is a path the logger redacts (logger.ts): a child
// without redaction writes the very same line, and pino's redaction was two thirds of its cost
// (~2 µs of every call, where a call costs ~20 µs in process). Everything else keeps it.
const unredacted = new WeakMap<Logger, Logger>();

function accessLoggerOf(logger: Logger): Logger {
  let access = unredacted.get(logger);
  if (!access) {
    access = logger.child({}, { redact: { paths: [] } });
    unredacted.set(logger, access);
  }
  return access;
}

/** Who answered a call that never got a context (see responseMetaFor). */
export interface ContextlessAnswer {
  logger: Logger;
  requestId: string;
  startedAt: number;
}

// Marks a context whose answer was logged. tRPC asks for an answer's head before writing its
// body, and asks again when the body cannot be written (output that is not JSON, a BigInt): the
// second line then says it replaces the first, whose status never reached the client.
const LOGGED = Symbol("answer logged");

export function logAnswer(
  { ctx, info, data, errors, eagerGeneration }: AnsweredCall,
  contextless?: ContextlessAnswer,
): void {
  // No spread of ctx: this runs on every call.
  const logger = ctx ? ctx.deps.logger : contextless?.logger;
  const source = ctx ?? contextless;
  if (!source || !logger?.isLevelEnabled("info")) return;
  let again = false;
  if (ctx) {
    const marked = ctx as Context & { [LOGGED]?: true };
    again = marked[LOGGED] === true;
    marked[LOGGED] = true;
  }
  const appCodes = errors.map(appCodeOf);
  accessLoggerOf(logger).info(
    {
      requestId: source.requestId,
      procedure: info ? info.calls.map((call) => call.path).join(",") : null,
      // An empty list reads as a batch of nothing (207): a stream's head is 200.
      status: eagerGeneration
        ? 200
        : getHTTPStatusCode(data as Parameters<typeof getHTTPStatusCode>[0]),
      ...(appCodes.length > 0 ? { appCode: appCodes.join(",") } : {}),
      ...(eagerGeneration ? { streamed: true } : {}),
      ms: Math.round((performance.now() - source.startedAt) * 10) / 10,
    },
    again ? "answered instead: the answer logged before could not be written" : "answered",
  );
}
