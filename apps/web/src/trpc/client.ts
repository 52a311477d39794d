// The tRPC clients: the app's authenticated one, and a bare one for signing in.

import { COOKIE_MODE_HEADER, MAX_BATCH_SIZE, TRPC_ENDPOINT } from "@kit/api/wire";
import { type AuthSession, bearerHeaders, refreshLink, startupRefreshLink } from "@kit/client";
import { createTRPCClient, httpBatchLink, httpLink } from "@trpc/client";
import type { AppRouter } from "../api/root";

/**
 * Every call carries `Authorization: Bearer` from the session, refreshed through the cookie
 * when due; the calls of one render go out in one batch. This page is in cookie mode for every
 * call (`x-auth-refresh: cookie`), so a call that hands out a new pair (`account.changePassword`)
 * sets the cookie too instead of putting the refresh token where page script can read it.
 */
export function createAppClient(session: AuthSession) {
  return createTRPCClient<AppRouter>({
    links: [
      startupRefreshLink(session),
      refreshLink(session),
      httpBatchLink({
        url: TRPC_ENDPOINT,
        headers: (opts) => ({ ...bearerHeaders(opts), [COOKIE_MODE_HEADER]: "cookie" }),
        // More would be refused whole by the server.
        maxItems: MAX_BATCH_SIZE,
      }),
    ],
  });
}

/**
 * For `auth.login` and `auth.register` only: `x-auth-refresh: cookie` asks the server to put
 * the refresh token in its HttpOnly cookie and to answer `refresh: null`.
 */
export const credentialsClient = createTRPCClient<AppRouter>({
  links: [httpLink({ url: TRPC_ENDPOINT, headers: { [COOKIE_MODE_HEADER]: "cookie" } })],
});
