// Request limits shared by every adapter, so the Next route and the standalone server agree.
import { TRPCError } from "@trpc/server";

/** Auth requests are a few hundred bytes; anything near this is not a real client. */
export const MAX_BODY_BYTES = 32 * 1024;

/**
 * Returns a Request whose body errors with PAYLOAD_TOO_LARGE (413) past `limit` bytes, counted
 * as the bytes arrive, so neither a lying Content-Length nor a chunked body gets past it.
 */
export function limitRequestBody(request: Request, limit = MAX_BODY_BYTES): Request {
  const body = request.body;
  if (!body) return request;
  const declared = Number(request.headers.get("content-length"));
  let seen = 0;
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    start(controller) {
      if (declared > limit) controller.error(new TRPCError({ code: "PAYLOAD_TOO_LARGE" }));
    },
    transform(chunk, controller) {
      seen += chunk.byteLength;
      if (seen > limit) controller.error(new TRPCError({ code: "PAYLOAD_TOO_LARGE" }));
      else controller.enqueue(chunk);
    },
  });
  return new Request(request.url, {
    method: request.method,
    headers: request.headers,
    body: body.pipeThrough(counter),
    signal: request.signal,
    // Required by undici for a streamed request body.
    duplex: "half",
  } as RequestInit);
}
