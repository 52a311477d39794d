// The session cache's surface: the store AppDeps carries, and starting it with its listener.
export {
  type CachedSession,
  type CacheTicket,
  createSessionCache,
  DEFAULT_SESSION_CACHE_MAX_AGE_MS,
  type SessionCache,
  type SessionCacheOptions,
  type SessionCacheStats,
} from "./session-cache";
export {
  type StartSessionCacheOptions,
  startSessionCache,
  waitUntilTrusted,
} from "./start-session-cache";
