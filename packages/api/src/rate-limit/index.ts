// The rate-limit module's surface: the auth limiter, its settings and where its counts live.

export { clearAccountLimits, storeName } from "./account-limits";
export {
  type AuthRateLimiter,
  type AuthRateLimiterOptions,
  createAuthRateLimiter,
  type LoginAttempt,
  type LoginRequest,
} from "./auth-rate-limiter";
export { DEFAULT_RATE_LIMITS, type RateLimitSettings } from "./settings";
export { type LimiterStore, pingRedis } from "./store";
