// Request limits shared by every adapter, so the Next route and the standalone server agree.
import { TRPCError } from "@trpc/server";

/** Auth requests are a few hundred bytes; anything near this is not a real client. */
export const MAX_BODY_BYTES = 32 * 1024;

/**
 * Returns a Request whose body errors with PAYLOAD_TOO_LARGE (413) past `limit` bytes, counted
 * as the bytes arrive, so neither a lying Content-Length nor a chunked body gets past it.
 *
 * The rest of a refused body is read and discarded, not cancelled: that is what Node's server
 * does with a body nobody read, and it keeps the connection usable. Cancelling the stream
 * destroys the request under it; on Node 24 the connection then holds the unread bytes, the
 * client's next request on it is never read, and it is reset when the connection times out.
 */
export function limitRequestBody(request: Request, limit = MAX_BODY_BYTES): Request {
  const body = request.body;
  if (!body) return request;
  const declared = Number(request.headers.get("content-length"));
  const source = body.getReader();
  let seen = 0;
  const refuse = (controller: ReadableStreamDefaultController<Uint8Array>) => {
    controller.error(new TRPCError({ code: "PAYLOAD_TOO_LARGE" }));
    void discard(source);
  };
  const limited = new ReadableStream<Uint8Array>({
    start(controller) {
      if (declared > limit) refuse(controller);
    },
    async pull(controller) {
      const { done, value } = await source.read();
      if (done) {
        controller.close();
        return;
      }
      seen += value.byteLength;
      if (seen > limit) refuse(controller);
      else controller.enqueue(value);
    },
    // Whoever reads the limited body stopped before its end: the source is not needed either.
    cancel(reason) {
      return source.cancel(reason);
    },
  });
  return new Request(request.url, {
    method: request.method,
    headers: request.headers,
    body: limited,
    signal: request.signal,
    // Required by undici for a streamed request body.
    duplex: "half",
  } as RequestInit);
}

async function discard(source: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  try {
    while (!(await source.read()).done) {
      // Nothing to keep.
    }
  } catch {
    // The client went away mid-body: there is nothing left to discard.
  }
}
