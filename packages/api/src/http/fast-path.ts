// Plain queries and JSON mutations answered by tRPC's own resolveResponse with a light stand-in
// for the Fetch Request. The stock Node adapter builds a whole Request for every call (its URL,
// Headers, a body stream, a signal) and pipes the Response back through a WritableStream: on a
// protected query that costs more than the whole authentication (see
// packages/bench/PERFORMANCE.md). Of such a call tRPC reads only the method, the URL, the
// headers, the abort signal and, for a mutation, `text()`, so this gives it exactly those;
// other bodies (forms, octet streams, a missing content type) and streamed answers stay with the
// stock adapter. A single call skips resolveResponse too (single-call.ts); batches and unusual
// requests go through it.

import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { type AnyTRPCRouter, TRPCError } from "@trpc/server";
import { type HTTPErrorHandler, type ResponseMetaFn, resolveResponse } from "@trpc/server/http";
import {
  getErrorShape,
  getTRPCErrorFromUnknown,
  transformTRPCResponse,
} from "@trpc/server/unstable-core-do-not-import";
import { requestTimedOut } from "./client-error";
import { isJsonContentType, refuseEncodedBody } from "./content-type";
import { IncomingHeaders } from "./incoming-headers";
import { answerSingle, setHead, singleCallOf } from "./single-call";

export interface FastPathOptions<TContext> {
  router: AnyTRPCRouter;
  /** The prefix before the procedure path, e.g. `/api/trpc/`. */
  basePath: string;
  maxBatchSize: number;
  /** Bytes of a mutation's body; past it, 413 PAYLOAD_TOO_LARGE (the stock adapter's answer). */
  maxBodySize: number;
  createContext(req: IncomingMessage, headers: Headers): TContext | Promise<TContext>;
  onError: HTTPErrorHandler<AnyTRPCRouter, IncomingMessage>;
  responseMeta: ResponseMetaFn<AnyTRPCRouter>;
}

/**
 * True for what the fast path answers exactly as the stock adapter would: under the base path,
 * not asking for a streamed answer (`trpc-accept`, or `application/jsonl` in `Accept`, which
 * tRPC also streams: those go to the stock adapter, which refuses cookie procedures in them, see
 * streamed-calls.ts), and either a GET or a POST whose body is JSON by tRPC's own test of the
 * content type.
 */
export function takesFastPath(req: IncomingMessage, basePath: string): boolean {
  const headers = req.headers;
  if (
    req.url?.startsWith(basePath) !== true ||
    headers["trpc-accept"] !== undefined ||
    headers.accept?.includes("application/jsonl") === true
  ) {
    return false;
  }
  if (req.method === "GET") return true;
  return req.method === "POST" && isJsonContentType(req.headers["content-type"]);
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

/**
 * The incoming headers as a Fetch Headers, HTTP/2 pseudo-headers left out (as tRPC does),
 * filled only when more than get() or has() is asked of it (see IncomingHeaders).
 */
export function headersOf(req: IncomingMessage): Headers {
  return new IncomingHeaders(req.headers);
}

/**
 * `fallback` (tRPC's stock adapter) with the fast path in front: what takesFastPath accepts and
 * whose URL parses is answered by answerFast, anything else by `fallback`.
 */
export function withFastPath<TContext>(
  options: FastPathOptions<TContext>,
  fallback: RequestListener,
): RequestListener {
  return (req, res) => {
    const url = takesFastPath(req, options.basePath) ? requestUrlOf(req) : null;
    if (url) void answerFast(req, res, url, options);
    else fallback(req, res);
  };
}

/** Answers one call that takesFastPath and whose URL parsed. Never rejects. */
export async function answerFast<TContext>(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  options: FastPathOptions<TContext>,
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
    const call = singleCallOf(options.router, req.method, url, path, headers);
    if (call) {
      await answerSingle(req, res, url, call, {
        router: options.router,
        createContext: () => options.createContext(req, headers),
        readJson: () => readJson(req, options.maxBodySize),
        signal: abort.signal,
        onError: options.onError,
        responseMeta: options.responseMeta,
      });
      return;
    }
    // What resolveResponse reads of these requests; a cast, because a full Request is what this
    // path exists to avoid building. `text()` reads the body only when tRPC asks for the input.
    const request = {
      method: req.method,
      url: url.href,
      headers,
      signal: abort.signal,
      text: () => readText(req, options.maxBodySize),
    } as Request;
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

const decoder = new TextDecoder();

/**
 * The body as `Request.text()` reads it (UTF-8 decoded with replacement, a leading byte order
 * mark dropped), refused past `maxBodySize` with the stock adapter's PAYLOAD_TOO_LARGE and when
 * encoded (refuseEncodedBody). tRPC (patched, .patches/README.md) takes an empty text as no input.
 */
function readText(req: IncomingMessage, maxBodySize: number): Promise<string> {
  return new Promise((resolve, reject) => {
    refuseEncodedBody(req.headers["content-encoding"]);
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("aborted", onAborted);
      req.off("error", onAborted);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBodySize) {
        chunks.push(chunk);
        return;
      }
      stop();
      reject(new TRPCError({ code: "PAYLOAD_TOO_LARGE" }));
    };
    const onEnd = () => {
      stop();
      let bytes = Buffer.concat(chunks);
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
      resolve(decoder.decode(bytes));
    };
    // The client went away mid-body: nobody is left to answer. Or the server stopped waiting
    // for it (and answered 408 itself): the log says so.
    const onAborted = () => {
      stop();
      const code = requestTimedOut(req.socket) ? "TIMEOUT" : "CLIENT_CLOSED_REQUEST";
      reject(new TRPCError({ code }));
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("aborted", onAborted);
    req.on("error", onAborted);
  });
}

/** The body's input as patched tRPC reads it: JSON, or none (undefined) for an empty body. */
async function readJson(req: IncomingMessage, maxBodySize: number): Promise<unknown> {
  const text = await readText(req, maxBodySize);
  return text === "" ? undefined : JSON.parse(text);
}

async function writeAnswer(res: ServerResponse, response: Response): Promise<void> {
  setHead(res, response.status, response.headers);
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
  options: FastPathOptions<TContext>,
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
