// GET queries answered by tRPC's own resolveResponse with a light stand-in for the Fetch Request.
// The stock Node adapter builds a whole Request for every call (its URL, Headers, a body stream,
// a signal) and pipes the Response back through a WritableStream: on a protected query that
// costs more than the whole authentication (see packages/bench/PERFORMANCE.md). Of a GET, tRPC
// reads only the method, the URL, the headers and the abort signal, so this gives it exactly
// those; anything with a body or a streamed answer stays with the stock adapter.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AnyTRPCRouter } from "@trpc/server";
import { type HTTPErrorHandler, type ResponseMetaFn, resolveResponse } from "@trpc/server/http";
import {
  getErrorShape,
  getTRPCErrorFromUnknown,
  transformTRPCResponse,
} from "@trpc/server/unstable-core-do-not-import";

export interface QueryFastPathOptions<TContext> {
  router: AnyTRPCRouter;
  /** The prefix before the procedure path, e.g. `/api/trpc/`. */
  basePath: string;
  maxBatchSize: number;
  createContext(req: IncomingMessage, headers: Headers): TContext | Promise<TContext>;
  onError: HTTPErrorHandler<AnyTRPCRouter, IncomingMessage>;
  responseMeta: ResponseMetaFn<AnyTRPCRouter>;
}

/**
 * True for what the fast path answers exactly as the stock adapter would: a GET under the base
 * path that does not ask for a streamed (`trpc-accept: application/jsonl`) answer.
 */
export function isPlainQuery(req: IncomingMessage, basePath: string): boolean {
  return (
    req.method === "GET" &&
    req.url?.startsWith(basePath) === true &&
    req.headers["trpc-accept"] === undefined
  );
}

/** The request's absolute URL as the stock adapter builds it, or null where it cannot. */
export function requestUrlOf(req: IncomingMessage): URL | null {
  const encrypted = "encrypted" in req.socket && req.socket.encrypted === true;
  try {
    return new URL(
      req.url ?? "/",
      `${encrypted ? "https" : "http"}://${req.headers.host ?? "localhost"}`,
    );
  } catch {
    return null;
  }
}

/** The incoming headers as a Fetch Headers, HTTP/2 pseudo-headers left out (as tRPC does). */
export function headersOf(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (name.startsWith(":")) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.append(name, value);
  }
  return headers;
}

/** Answers one plain query (see isPlainQuery) whose URL parsed. Never rejects. */
export async function answerQuery<TContext>(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  options: QueryFastPathOptions<TContext>,
): Promise<void> {
  const path = url.pathname.slice(options.basePath.length);
  try {
    const headers = headersOf(req);
    // Aborted when the client goes away before the answer is written, as the stock adapter's.
    const abort = new AbortController();
    const onAbort = () => {
      res.off("close", onClose);
      req.off("aborted", onAbort);
      abort.abort();
    };
    const onClose = () => {
      if (res.writableEnded) req.off("aborted", onAbort);
      else onAbort();
    };
    res.once("close", onClose);
    req.once("aborted", onAbort);
    // What resolveResponse reads of a GET request; a cast, because a full Request is what this
    // path exists to avoid building.
    const request = { method: "GET", url: url.href, headers, signal: abort.signal } as Request;
    const response = await resolveResponse({
      router: options.router,
      req: request,
      path,
      error: null,
      maxBatchSize: options.maxBatchSize,
      responseMeta: options.responseMeta,
      createContext: () => Promise.resolve(options.createContext(req, headers)),
      onError: (failure) => options.onError({ ...failure, req }),
    });
    await writeAnswer(res, response);
  } catch (cause) {
    answerUnexpected(req, res, path, cause, options);
  }
}

async function writeAnswer(res: ServerResponse, response: Response): Promise<void> {
  if (res.statusCode === 200) res.statusCode = response.status;
  for (const [name, value] of response.headers) {
    if (name !== "set-cookie") res.setHeader(name, value);
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader("set-cookie", cookies);
  if (!response.body) {
    res.end();
    return;
  }
  if (response.headers.get("content-type")?.startsWith("application/json")) {
    // Written, then ended: chunked, as the stock adapter frames it (no Content-Length).
    res.write(await response.text());
    res.end();
    return;
  }
  // Anything else (a subscription's event stream) is written as it comes.
  for await (const chunk of response.body) {
    if (res.destroyed) break;
    if (!res.write(chunk)) await new Promise((resolve) => res.once("drain", resolve));
  }
  res.end();
}

// What the stock adapter answers when something outside the procedures fails.
function answerUnexpected<TContext>(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  cause: unknown,
  options: QueryFastPathOptions<TContext>,
): void {
  const error = getTRPCErrorFromUnknown(cause);
  const config = options.router._def._config;
  const shape = getErrorShape({
    config,
    error,
    type: "unknown",
    path: undefined,
    input: undefined,
    ctx: undefined,
  });
  options.onError({ req, error, type: "unknown", path, input: undefined, ctx: undefined });
  if (res.headersSent) {
    res.end();
    return;
  }
  res.statusCode = shape.data.httpStatus;
  res.end(JSON.stringify(transformTRPCResponse(config, { error: shape })));
}
