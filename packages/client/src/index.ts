// @kit/client: framework-agnostic client side of the kit: token stores, refresh strategies,
// the auth session and the refreshing tRPC link.
export type {
  AuthMessage,
  BroadcastChannelConstructor,
  BroadcastChannelLike,
  ChannelOptions,
} from "./auth-channel";
export { DEFAULT_CHANNEL_NAME } from "./auth-channel";
export type {
  AuthSession,
  AuthSessionOptions,
  SignedOutEvent,
  SignOutOptions,
} from "./auth-session";
export { createAuthSession } from "./auth-session";
export { ACCESS_TOKEN_CONTEXT_KEY, accessTokenOf, bearerHeaders } from "./bearer-headers";
export { createCookieModeStore } from "./cookie-mode-store";
export type { DeviceMarkerStore, DeviceMarkerStoreOptions } from "./device-marker-store";
export { createDeviceMarkerStore, DEFAULT_DEVICE_KEY } from "./device-marker-store";
export type { JwtTimes } from "./jwt-claims";
export { readJwtTimes } from "./jwt-claims";
export type { LocalStorageStoreOptions, StorageLike } from "./local-storage-store";
export { createLocalStorageStore, DEFAULT_STORAGE_KEY } from "./local-storage-store";
export type { RefreshErrorCode, SignOutCode, SignOutReason } from "./refresh-error";
export {
  isRefreshError,
  isSessionOverCode,
  isSignOutCode,
  RefreshError,
  SESSION_OVER_CODES,
  SIGN_OUT_CODES,
} from "./refresh-error";
export { refreshLink } from "./refresh-link";
export type {
  FetchLike,
  RefreshAttempt,
  RefreshStrategy,
  RefreshStrategyOptions,
} from "./refresh-strategy";
export { bodyRefresh, cookieRefresh } from "./refresh-strategy";
export { classifyLogoutFailure, type LogoutFailure } from "./revoke-with-retry";
export { startupRefreshLink } from "./startup-refresh-link";
export type { TokenSnapshot, TokenStore } from "./token-store";
export { createMemoryStore } from "./token-store";
