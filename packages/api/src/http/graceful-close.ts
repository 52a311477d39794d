// Closing an HTTP server on SIGTERM without failing the requests it is answering: stop accepting,
// let in-flight requests finish within a bound, then cut what is left. Node objects only, so that
// `pnpm start`'s server can import it (`@kit/api/graceful-close`) without the API code.
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { Server as NetServer, type Socket } from "node:net";

/** How long in-flight requests get to finish once shutdown begins (argon2 logins take ~0.1 s). */
export const DRAIN_TIMEOUT_MS = 10_000;

// A connection accepted before the close whose request has not been read yet (the process was
// busy) gets this long to show it; an idle pre-connection would otherwise hold the close open.
const FIRST_REQUEST_GRACE_MS = 3000;

// A closing server keeps listening until no connection has arrived for this long, counted from
// the close at the earliest (see `settle`).
const SETTLE_QUIET_MS = 200;
const SETTLE_MAX_MS = 2000;

export interface CloseOptions {
  /** Default DRAIN_TIMEOUT_MS. */
  timeoutMs?: number;
  /**
   * Keep taking connections until none has arrived for a moment since the close began, then stop
   * listening (default true). Requests sent before the signal may still wait to be accepted: in
   * the listen backlog of a process that was busy, or, in a cluster, held by the primary, which
   * hands connections to workers one at a time and closes those it still holds once every worker
   * stops listening. Stopping at once would reset them, and so would counting the quiet from the
   * last connection before the signal: a worker idle for a while would stop at once, while its
   * primary, starved of CPU, had not handed on what it already accepted.
   */
  settle?: boolean;
  /**
   * With `settle`, in a cluster worker: settles once the primary, which holds the connections not
   * handed on yet, is known to be running (it answered the worker). The quiet is counted from
   * then, so a primary starved of CPU when the signal came still hands on what it had accepted.
   * Waited for as long as the settling may last (2 s) at most.
   */
  awake?: Promise<unknown>;
}

export interface GracefulCloser {
  /**
   * Stops accepting connections and resolves once every request in flight has been answered
   * (true), or after the timeout, when the connections still open are cut (false).
   */
  close(options?: CloseOptions): Promise<boolean>;
}

/**
 * Follows `server`'s connections from now on (call it before `listen`, after the request handler
 * is attached: it runs the handlers itself), so that `close()` can
 * tell a keep-alive connection idle between requests (closed at once) from one whose request is
 * being answered (closed after its answer, which says `Connection: close`) and from one whose
 * first request has not been read yet (given a moment). Node's own `server.close()` closes every
 * connection with no request parsed, and so resets requests that arrived but were not read yet.
 *
 * @example
 * const closer = gracefulCloser(server);
 * server.listen(port);
 * process.once("SIGTERM", async () => {
 *   await closer.close();
 *   await runtime.close(); // the pool, then the embedded PostgreSQL
 *   process.exit(0);
 * });
 */
export function gracefulCloser(server: Server): GracefulCloser {
  const inFlight = new Map<Socket, number>();
  const unanswered = new Set<ServerResponse>();
  const served = new WeakSet<Socket>();
  const sockets = new Set<Socket>();
  // Connections this side has ended (FIN sent). Node goes on reading a half-closed connection,
  // so a keep-alive request that crossed the FIN on the wire was read and run, and its answer
  // had nowhere to go: a refresh rotated the token the client never received, and its next
  // refresh was reuse (soak tester, on `pnpm start` stopped under load). Such a request is
  // never handed to the app: the connection is cut, and the client, answered nothing, may
  // safely send it again.
  const ended = new WeakSet<Socket>();
  const endSocket = (socket: Socket) => {
    ended.add(socket);
    socket.end();
  };
  let closing = false;

  // The app's own handlers, run only for requests that can still be answered.
  const handlers = server.listeners("request") as ((...args: unknown[]) => void)[];
  server.removeAllListeners("request");
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    if (ended.has(req.socket)) {
      req.socket.destroy();
      return;
    }
    track(req, res);
    for (const handler of handlers) handler.call(server, req, res);
  });

  let lastConnectionAt = 0;
  server.on("connection", (socket: Socket) => {
    lastConnectionAt = Date.now();
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  // Before the app's handlers write anything, so the header can still be set.
  function track(req: IncomingMessage, res: ServerResponse): void {
    const socket = req.socket;
    inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1);
    if (closing) res.setHeader("connection", "close");
    else unanswered.add(res);
    res.once("close", () => {
      unanswered.delete(res);
      const left = (inFlight.get(socket) ?? 1) - 1;
      served.add(socket);
      if (left > 0) {
        inFlight.set(socket, left);
        return;
      }
      inFlight.delete(socket);
      if (closing) endSocket(socket);
    });
  }

  const closeIdle = () => {
    for (const socket of sockets) {
      if (!inFlight.has(socket) && served.has(socket)) endSocket(socket);
    }
  };

  return {
    async close({ timeoutMs = DRAIN_TIMEOUT_MS, settle = true, awake } = {}) {
      closing = true;
      // Answers not yet begun tell their client to open a new connection next time.
      for (const res of unanswered) if (!res.headersSent) res.setHeader("connection", "close");
      unanswered.clear();
      closeIdle();
      if (settle) {
        const deadline = Date.now() + Math.min(SETTLE_MAX_MS, timeoutMs);
        let awakeAt = awake ? Number.POSITIVE_INFINITY : Date.now();
        const markAwake = () => {
          awakeAt = Date.now();
        };
        awake?.then(markAwake, markAwake);
        const quietSince = () => Math.max(lastConnectionAt, awakeAt);
        while (Date.now() - quietSince() < SETTLE_QUIET_MS && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 25));
          // Look after the event loop's poll phase, not straight from the timer: a process that
          // was starved wakes with its timer due and connections waiting to be read alike.
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
      // net.Server's close: stop listening, call back once the last connection is gone. (The
      // HTTP server's own close would also drop connections whose request is still unread.)
      const closed = new Promise<void>((resolve) => {
        NetServer.prototype.close.call(server, () => resolve());
      });
      const grace = setTimeout(
        () => {
          for (const socket of sockets) if (!inFlight.has(socket)) socket.destroy();
        },
        Math.min(FIRST_REQUEST_GRACE_MS, timeoutMs),
      );
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      try {
        const drained = await Promise.race([closed.then(() => true as const), late]);
        if (!drained) {
          for (const socket of sockets) socket.destroy();
          await closed;
        }
        return drained;
      } finally {
        clearTimeout(grace);
        clearTimeout(timer);
      }
    },
  };
}
