// The session cache as a server runs it: the in-memory store, trusted only while a LISTEN
// connection hears the database's session-change notifications (see the migration
// *_session_change_notify), and emptied whenever that connection comes or goes.
import {
  listenWithReconnect,
  type NotifyListener,
  parseSessionChange,
  SESSION_CHANGE_CHANNEL,
} from "@kit/db";
import type { Logger } from "../logger";
import { createSessionCache, type SessionCache } from "./session-cache";

export interface StartSessionCacheOptions {
  databaseUrl: string;
  /** `application_name` of the listening connection: `<runtime id>:session-listener`. */
  applicationName: string;
  /** AUTH_SESSION_CACHE_SIZE; 0: no cache, every call reads the database. */
  maxEntries: number;
  maxAgeMs?: number;
  logger: Logger;
  /** The listener's timing (see listenWithReconnect); tests change it. */
  heartbeatMs?: number;
  timeoutMs?: number;
  reconnect?: { firstDelayMs?: number; maxDelayMs?: number };
}

/**
 * Starts the cache and its listener; null when `maxEntries` is 0. Until the listener is
 * LISTENing (and after it loses its connection, until it LISTENs again) the cache is bypassed:
 * a notification might be missed then, so nothing cached may be served.
 *
 * @example
 * const sessionCache = startSessionCache({ databaseUrl, applicationName: `${id}:session-listener`,
 *   maxEntries: env.sessionCacheSize, logger });
 * // ... AppDeps { sessionCache } ... and at shutdown:
 * await sessionCache?.close();
 */
export function startSessionCache(options: StartSessionCacheOptions): SessionCache | null {
  if (options.maxEntries === 0) return null;
  const store = createSessionCache({
    maxEntries: options.maxEntries,
    maxAgeMs: options.maxAgeMs,
    // Asked on each use, never before the listener below exists.
    trusted: () => listener.listening,
  });
  const listener: NotifyListener = listenWithReconnect({
    url: options.databaseUrl,
    channel: SESSION_CHANGE_CHANNEL,
    applicationName: options.applicationName,
    heartbeatMs: options.heartbeatMs,
    timeoutMs: options.timeoutMs,
    reconnect: options.reconnect,
    onNotification(payload) {
      const change = parseSessionChange(payload);
      if (change.kind === "session") store.invalidateSession(change.id);
      else if (change.kind === "user") store.invalidateUser(change.id);
      else store.invalidateAll();
    },
    onStateChange(listening, reason) {
      // Both edges: going down, what is cached may go stale unheard; coming up, what was read
      // while down was never cached, and anything read across the gap is refused by the epoch.
      store.invalidateAll();
      if (listening) {
        options.logger.info("session cache listening: cached sessions are served");
      } else if (reason) {
        options.logger.warn(
          { code: reason.code, cause: String(reason.cause ?? reason.message) },
          "session cache listener lost: every call reads the database until it is back",
        );
      }
    },
  });
  return {
    ...store,
    async close() {
      await listener.close();
      await store.close();
    },
  };
}

/**
 * Resolves true once the cache is trusted (its listener LISTENs), false after `timeoutMs`. A
 * server may serve before then (every call reads the database); waiting makes start-up's "ready"
 * mean the cache is in use.
 */
export async function waitUntilTrusted(cache: SessionCache, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!cache.stats().trusted) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}
