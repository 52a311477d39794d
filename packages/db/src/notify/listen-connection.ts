// One dedicated connection that LISTENs on a channel and keeps doing so: it reconnects with
// backoff, and a heartbeat on the same connection notices one that died without a word.
import pg from "pg";
import { NotifyListenerError } from "../errors";

export interface ListenOptions {
  url: string;
  channel: string;
  /** `application_name` of the connection, so it can be found in `pg_stat_activity`. */
  applicationName: string;
  onNotification(payload: string): void;
  /**
   * Called on every change between listening and not. While not listening, notifications may be
   * lost: whoever keeps state that notifications invalidate must drop it on both edges.
   */
  onStateChange(listening: boolean, reason?: NotifyListenerError): void;
  /** How often `SELECT 1` runs on the connection; default 2 s. */
  heartbeatMs?: number;
  /** How long a heartbeat or a connection attempt may take before the connection is dropped; default 3 s. */
  timeoutMs?: number;
  /** Reconnection delays double from the first to the most; default 100 ms to 5 s. */
  reconnect?: { firstDelayMs?: number; maxDelayMs?: number };
}

export interface NotifyListener {
  /**
   * True while LISTEN is in place and the last heartbeat confirmed it recently. The heartbeat's
   * answer comes after every notification committed before it was sent, so up to then nothing
   * was missed; a connection that went quiet stops counting as listening within one heartbeat
   * and timeout, even before the connection is given up.
   */
  readonly listening: boolean;
  /** Stops listening for good and ends the connection. */
  close(): Promise<void>;
}

/**
 * Starts listening at once (in the background) and keeps at it until `close()`.
 *
 * @example
 * const listener = listenWithReconnect({
 *   url, channel: "changes", applicationName: "my-app:listener",
 *   onNotification: (payload) => cache.drop(payload),
 *   onStateChange: () => cache.clear(),
 * });
 */
export function listenWithReconnect(options: ListenOptions): NotifyListener {
  const heartbeatMs = options.heartbeatMs ?? 2000;
  const timeoutMs = options.timeoutMs ?? 3000;
  const firstDelayMs = options.reconnect?.firstDelayMs ?? 100;
  const maxDelayMs = options.reconnect?.maxDelayMs ?? 5000;
  const leaseMs = heartbeatMs + timeoutMs;

  let closed = false;
  let client: pg.Client | null = null;
  let listening = false;
  // On the monotonic clock: a wall clock stepped back (NTP, a resumed VM) must not stretch the
  // lease. (The heartbeat's own timeout, a timer, ends it anyway; this keeps the two in step.)
  let confirmedAt = 0;
  let failures = 0;
  let heartbeat: NodeJS.Timeout | undefined;
  let retry: NodeJS.Timeout | undefined;
  let beating = false;

  const setListening = (value: boolean, reason?: NotifyListenerError) => {
    if (listening === value) return;
    listening = value;
    options.onStateChange(value, reason);
  };

  /** Gives up on `current` (if it is still the connection) and schedules the next attempt. */
  const drop = (current: pg.Client, reason: NotifyListenerError) => {
    if (client !== current) return;
    client = null;
    clearInterval(heartbeat);
    // First: from here on nothing derived from notifications may be trusted.
    setListening(false, reason);
    // pg destroys the socket when a query is still running (a hung heartbeat).
    current.end().catch(() => {});
    scheduleAttempt();
  };

  function scheduleAttempt(): void {
    if (closed) return;
    const delay = Math.min(maxDelayMs, firstDelayMs * 2 ** failures);
    failures += 1;
    // Jitter, so instances cut off together do not all come back in the same millisecond.
    retry = setTimeout(attempt, delay / 2 + Math.random() * (delay / 2));
    retry.unref();
  }

  function attempt(): void {
    // connect() reports its failures through drop(); anything else (a client that cannot even
    // be built) must not become an unhandled rejection: try again later all the same.
    connect().catch(() => {
      if (client === null) scheduleAttempt();
    });
  }

  const beat = async (current: pg.Client) => {
    // One at a time: a slow answer is the timeout's to judge, not a reason to queue more.
    if (beating) return;
    beating = true;
    const started = performance.now();
    const timer = setTimeout(
      () =>
        drop(
          current,
          new NotifyListenerError(
            "LISTENER_HEARTBEAT_TIMEOUT",
            `no heartbeat answer within ${timeoutMs} ms`,
          ),
        ),
      timeoutMs,
    );
    try {
      await current.query("SELECT 1");
      if (client === current) {
        confirmedAt = started;
        // Only a connection that lived through a heartbeat resets the backoff: one cut off as
        // soon as it LISTENs (a server refusing us) must not be retried in a tight loop.
        failures = 0;
      }
    } catch (cause) {
      drop(
        current,
        new NotifyListenerError("LISTENER_CONNECTION_LOST", "the heartbeat failed", { cause }),
      );
    } finally {
      clearTimeout(timer);
      beating = false;
    }
  };

  async function connect(): Promise<void> {
    if (closed) return;
    const current = new pg.Client({
      connectionString: options.url,
      application_name: options.applicationName,
      // The kernel's keepalive notices a peer that vanished even between heartbeats.
      keepAlive: true,
      keepAliveInitialDelayMillis: 5000,
      connectionTimeoutMillis: timeoutMs,
    });
    client = current;
    const lost = (cause?: unknown) =>
      drop(
        current,
        new NotifyListenerError("LISTENER_CONNECTION_LOST", "the connection was lost", { cause }),
      );
    // Unheard, an 'error' event would crash the process; here it only means "reconnect".
    current.on("error", lost);
    current.on("end", () => lost());
    current.on("notification", (message) => {
      if (client === current && message.channel === options.channel) {
        options.onNotification(message.payload ?? "");
      }
    });
    try {
      await current.connect();
      await current.query(`LISTEN ${current.escapeIdentifier(options.channel)}`);
    } catch (cause) {
      drop(
        current,
        new NotifyListenerError("LISTENER_CONNECT_FAILED", "could not connect and LISTEN", {
          cause,
        }),
      );
      return;
    }
    if (client !== current) {
      // Closed (or dropped) while connecting.
      await current.end().catch(() => {});
      return;
    }
    confirmedAt = performance.now();
    heartbeat = setInterval(() => void beat(current), heartbeatMs);
    heartbeat.unref();
    setListening(true);
  }

  attempt();

  return {
    get listening() {
      return listening && performance.now() - confirmedAt < leaseMs;
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      clearInterval(heartbeat);
      const current = client;
      client = null;
      setListening(false);
      if (current) await current.end().catch(() => {});
    },
  };
}
