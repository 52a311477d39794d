// The store for cookie mode: the refresh token is an HttpOnly cookie, so only the access token
// is kept, in memory.
import { createMemoryStore, type TokenStore } from "./token-store";

/**
 * In cookie mode the server keeps the refresh token in an HttpOnly cookie that page scripts can
 * never read, so this store holds only the access token, in memory, and `refresh` is always
 * null, even if a server hands one back by mistake. After a reload it starts empty:
 * `startupRefreshLink` trades the cookie for an access token before the page's first call.
 *
 * @example
 * const session = createAuthSession({ store: createCookieModeStore(), refresh: cookieRefresh({ url }) });
 * const client = createTRPCClient<AppRouter>({
 *   links: [startupRefreshLink(session), refreshLink(session), httpBatchLink({ url, headers: bearerHeaders })],
 * });
 */
export function createCookieModeStore(): Required<TokenStore> {
  const memory = createMemoryStore();
  return {
    get: memory.get,
    // Dropped on purpose: a refresh token in page memory is what cookie mode exists to avoid.
    set: (tokens) => memory.set({ access: tokens.access, refresh: null }),
    clear: memory.clear,
    subscribe: memory.subscribe,
  };
}
