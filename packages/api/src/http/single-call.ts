// One call, not a batch, to a query by GET or a mutation by POST: the procedure called directly,
// not through tRPC's resolveResponse. For every call resolveResponse parses the URL again, ties
// two AbortSignals together through `AbortSignal.any` (slow to create on Node 20), and builds a
// Headers and a Fetch Response whose body the fast path then reads back as text; on `auth.me`
// that is a good part of what a call costs (packages/bench/PERFORMANCE.md). What follows does
// what resolveResponse does for such a call, step for step and nothing more: the same procedure
// call and input parsing, the same onError and responseMeta calls, the same status, headers and
// body. Any other request (a batch, a lazy or unknown procedure, a query by POST, a streamed
// accept) goes to resolveResponse, whose wording of those errors is then tRPC's own.
import type { IncomingMessage, ServerResponse } from "node:http";
import { type AnyTRPCProcedure, type AnyTRPCRouter, TRPCError } from "@trpc/server";
import type { HTTPErrorHandler, ResponseMetaFn, TRPCRequestInfo } from "@trpc/server/http";
import {
  getAcceptHeader,
  getErrorShape,
  getHTTPStatusCode,
  getTRPCErrorFromUnknown,
  isAsyncIterable,
  isObject,
  isPromise,
  transformTRPCResponse,
} from "@trpc/server/unstable-core-do-not-import";
import { isJsonContentType } from "./content-type";

/** The one procedure a request calls, when single-call.ts may answer it. */
export interface SingleCall {
  path: string;
  procedure: AnyTRPCProcedure;
  type: "query" | "mutation";
}

/**
 * The call, or null when resolveResponse must answer: a batch, connection params, a streamed
 * accept, a GET carrying a body type other than JSON (tRPC refuses or reads those otherwise),
 * a path that does not decode, a procedure not (yet) loaded, or a method its type refuses.
 */
export function singleCallOf(
  router: AnyTRPCRouter,
  method: string | undefined,
  url: URL,
  /** The procedure path as the URL carries it (after the base path), not decoded yet. */
  rawPath: string,
  headers: Headers,
): SingleCall | null {
  const search = url.searchParams;
  if (search.get("batch") === "1" || search.has("connectionParams")) return null;
  if (getAcceptHeader(headers) !== null) return null;
  const contentType = headers.get("content-type");
  if (method === "GET" && contentType !== null && !isJsonContentType(contentType)) return null;
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return null;
  }
  // `procedures` has no prototype: a path like `constructor` finds nothing.
  const procedure = (router._def.procedures as Record<string, AnyTRPCProcedure | undefined>)[path];
  if (!procedure) return null;
  const type = procedure._def.type;
  if (type === "query" && method === "GET") return { path, procedure, type };
  if (type === "mutation" && method === "POST") return { path, procedure, type };
  return null;
}

export interface SingleCallOptions<TContext> {
  router: AnyTRPCRouter;
  createContext(): TContext | Promise<TContext>;
  /** The input from the body as patched tRPC reads it (the fast path's readJson). */
  readJson(): Promise<unknown>;
  signal: AbortSignal;
  onError: HTTPErrorHandler<AnyTRPCRouter, IncomingMessage>;
  responseMeta: ResponseMetaFn<AnyTRPCRouter>;
}

/**
 * The call's input, read once on first demand as tRPC's JSON content handler reads it: GET
 * from `?input=`, POST from the body, through the transformer; a failure to read becomes
 * BAD_REQUEST with the parser's message (a TRPCError, such as PAYLOAD_TOO_LARGE, as it is),
 * and every later read fails the same way.
 */
function inputOf(
  call: SingleCall,
  url: URL,
  router: AnyTRPCRouter,
  readJson: () => Promise<unknown>,
): { read(): Promise<unknown>; result(): unknown } {
  let pending: Promise<unknown> | null = null;
  let read = false;
  let value: unknown;
  const load = async (): Promise<unknown> => {
    let raw: unknown;
    if (call.type === "query") {
      const text = url.searchParams.get("input");
      if (text) raw = JSON.parse(text);
    } else {
      raw = await readJson();
    }
    return raw === undefined ? undefined : router._def._config.transformer.input.deserialize(raw);
  };
  return {
    async read() {
      if (read) return value;
      pending ??= load().catch((cause: unknown) => {
        if (cause instanceof TRPCError) throw cause;
        throw new TRPCError({
          code: "BAD_REQUEST",
          message: cause instanceof Error ? cause.message : "Invalid input",
          cause,
        });
      });
      value = await pending;
      read = true;
      pending = null;
      return value;
    },
    result: () => (read ? value : undefined),
  };
}

/** An async iterable, or an object holding a promise or one: only a streamed answer carries those. */
function isDataStream(value: unknown): boolean {
  if (!isObject(value)) return false;
  if (isAsyncIterable(value)) return true;
  const values = Object.values(value);
  return values.some(isPromise) || values.some(isAsyncIterable);
}

/** Answers `call` (from singleCallOf) as resolveResponse would. Never rejects. */
export async function answerSingle<TContext>(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  call: SingleCall,
  options: SingleCallOptions<TContext>,
): Promise<void> {
  const { router, responseMeta } = options;
  const config = router._def._config;
  const { path, procedure, type } = call;
  const input = inputOf(call, url, router, options.readJson);
  const info: TRPCRequestInfo = {
    isBatchCall: false,
    accept: null,
    calls: [{ batchIndex: 0, path, procedure, getRawInput: input.read, result: input.result }],
    type,
    connectionParams: null,
    signal: options.signal,
    url,
  };
  const headers = new Headers([["vary", "trpc-accept, accept"]]);
  let ctx: TContext | undefined;

  // responseMeta's headers join `headers`, and its status replaces the one the answer implies.
  const meta = (untransformed: unknown, errors: TRPCError[]): number => {
    let status = getHTTPStatusCode(untransformed as Parameters<typeof getHTTPStatusCode>[0]);
    const data = Array.isArray(untransformed) ? untransformed : [untransformed];
    const given = responseMeta({
      ctx,
      info,
      paths: [path],
      data,
      errors,
      eagerGeneration: false,
      type,
    } as Parameters<typeof responseMeta>[0]);
    if (given.headers instanceof Headers) {
      for (const [name, value] of given.headers) headers.append(name, value);
    } else if (given.headers) {
      for (const [name, value] of Object.entries(given.headers)) {
        if (Array.isArray(value)) for (const item of value) headers.append(name, item);
        else if (typeof value === "string") headers.set(name, value);
      }
    }
    if (given.status) status = given.status;
    return status;
  };

  let status: number;
  let body: string;
  try {
    let error: TRPCError | undefined;
    let data: unknown;
    try {
      ctx = await options.createContext();
      data = await procedure({
        path,
        getRawInput: input.read,
        ctx,
        type,
        signal: options.signal,
        batchIndex: 0,
      });
    } catch (cause) {
      error = getTRPCErrorFromUnknown(cause);
      options.onError({ error, path, input: input.result(), ctx, type, req });
    }
    headers.set("content-type", "application/json");
    if (!error && isDataStream(data)) {
      throw new TRPCError({
        code: "UNSUPPORTED_MEDIA_TYPE",
        message:
          "Cannot use stream-like response in non-streaming request - use httpBatchStreamLink",
      });
    }
    const answer = error
      ? { error: getErrorShape({ config, ctx, error, input: input.result(), path, type }) }
      : { result: { data } };
    status = meta([answer], error ? [error] : []);
    body = JSON.stringify(transformTRPCResponse(config, answer));
  } catch (cause) {
    // What resolveResponse answers when the answer itself fails (a stream-like result, output
    // that does not serialize): no path or input named, responseMeta asked once more.
    const error = getTRPCErrorFromUnknown(cause);
    options.onError({ error, path: undefined, input: undefined, ctx, type, req });
    const answer = {
      error: getErrorShape({ config, ctx, error, type, path: undefined, input: undefined }),
    };
    body = JSON.stringify(transformTRPCResponse(config, answer));
    status = meta(answer, [error]);
  }
  setHead(res, status, headers);
  // Written, then ended: chunked, as the stock adapter frames it (no Content-Length).
  res.write(body);
  res.end();
}

/** The status (unless one was set already) and the headers, each Set-Cookie on its own. */
export function setHead(res: ServerResponse, status: number, headers: Headers): void {
  if (res.statusCode === 200) res.statusCode = status;
  for (const [name, value] of headers) {
    if (name !== "set-cookie") res.setHeader(name, value);
  }
  const cookies = headers.getSetCookie();
  if (cookies.length > 0) res.setHeader("set-cookie", cookies);
}
