// What a connection gets when Node cannot read its request at all (a malformed request line,
// headers past the size limit, a request that took too long to arrive): Node answers these
// before any handler, bare, so every answer's headers would be missing from them alone.
import type { Server } from "node:http";
import type { Duplex } from "node:stream";
import { API_SECURITY_HEADERS } from "./security-headers";

/**
 * How long a client may take to send its request, for `createServer(REQUEST_TIMEOUTS, …)`. Node's
 * defaults (60 s for the headers, 300 s for the whole request, checked every 30 s) let a few
 * thousand connections that send a byte every few seconds sit for minutes and slow everyone;
 * a proxy in front usually bounds this too, a server reached directly must itself. Answered 408.
 * The answer's time is not bounded: a page or a slow procedure may take what it takes.
 */
export const REQUEST_TIMEOUTS = {
  headersTimeout: 10_000,
  // The largest body the API reads (MAX_BODY_BYTES) over a slow mobile link, with room.
  requestTimeout: 30_000,
  connectionsCheckingInterval: 2_000,
} as const;

const REASONS = new Map<string | undefined, [number, string]>([
  ["HPE_HEADER_OVERFLOW", [431, "Request Header Fields Too Large"]],
  ["HPE_CHUNK_EXTENSIONS_OVERFLOW", [413, "Content Too Large"]],
  ["ERR_HTTP_REQUEST_TIMEOUT", [408, "Request Timeout"]],
]);
const BAD_REQUEST: [number, string] = [400, "Bad Request"];

// Long enough for the answer to be read, short enough that a client that never reads cannot
// hold the socket.
const LINGER_MS = 2000;

/** The raw answer for a request Node could not parse: `code` is the parser's error code. */
export function clientErrorResponse(code: string | undefined): string {
  const [status, reason] = REASONS.get(code) ?? BAD_REQUEST;
  const body = `${reason}\n`;
  const headers = {
    ...API_SECURITY_HEADERS,
    "content-type": "text/plain; charset=utf-8",
    "content-length": String(Buffer.byteLength(body)),
    connection: "close",
  };
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return `HTTP/1.1 ${status} ${reason}\r\n${lines.join("")}\r\n${body}`;
}

/**
 * Marks a connection whose request took longer than REQUEST_TIMEOUTS and was answered 408 here:
 * the handler reading its body sees the socket close as a client going away, and would log 499.
 * A registered symbol on the socket, not a module's own set: `pnpm start`'s server and the API
 * handler it calls are separate bundles, each with its own copy of this module.
 */
const TIMED_OUT = Symbol.for("kit.request-timed-out");

/** Whether this server answered 408 on `socket` because its request took too long. */
export function requestTimedOut(socket: object): boolean {
  return (socket as Record<symbol, unknown>)[TIMED_OUT] === true;
}

/** Answers unreadable requests on `server` with the API's headers, then closes the connection. */
export function answerClientErrors(server: Server): void {
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === "ERR_HTTP_REQUEST_TIMEOUT") {
      (socket as unknown as Record<symbol, unknown>)[TIMED_OUT] = true;
    }
    // Node's own rule: no answer once another response has started on this connection.
    const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (error.code === "ECONNRESET" || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    socket.end(clientErrorResponse(error.code));
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
  });
}
