// The tRPC link that puts the access token on every call, refreshes it, and retries once.
import { readAppCode } from "@kit/api/wire";
import type { TRPCClientError, TRPCLink } from "@trpc/client";
import type { AnyTRPCRouter } from "@trpc/server";
import { observable, type Unsubscribable } from "@trpc/server/observable";
import type { AuthSession } from "./auth-session";
import { withAccessToken } from "./bearer-headers";
import { toClientError } from "./client-error";
import { readJwtSubject } from "./jwt-claims";
import { isSessionOverCode } from "./refresh-error";

/**
 * Authenticates every operation through `session`. Place it before the terminating link and
 * give that link `headers: bearerHeaders`, which turns the token this link puts in
 * `op.context` into `Authorization: Bearer …`:
 *
 * - before sending, refreshes when the access token is within the skew of `exp` (one refresh,
 *   shared by every call waiting on it);
 * - when the server answers `TOKEN_EXPIRED`, refreshes and retries the call once; a second
 *   failure goes to the caller;
 * - when the refresh token is dead (a sign-out code), the session is signed out and calls go
 *   on without a token; a network error or 5xx fails the call and keeps the tokens;
 * - when a call is refused because its session is over (`TOKEN_REVOKED`, `TOKEN_REUSED`,
 *   `USER_NOT_FOUND`: revoked from another device, say), the session is signed out (for
 *   `TOKEN_REVOKED` once a moment's wait, and in cookie mode a refresh, found no new session:
 *   see AuthSession.sessionOver); unless the tokens changed to a new session of the same account
 *   while the call was out (a password change in another tab): then the call is sent again,
 *   once, with the new token.
 *
 * @example
 * const session = createAuthSession({ store: createLocalStorageStore(), refresh: bodyRefresh({ url: "/api/trpc" }) });
 * const client = createTRPCClient<AppRouter>({
 *   links: [refreshLink(session), httpBatchLink({ url: "/api/trpc", headers: bearerHeaders })],
 * });
 * const { user, access, refresh } = await client.auth.login.mutate({ email, password });
 * session.signIn({ access, refresh });
 */
export function refreshLink<TRouter extends AnyTRPCRouter = AnyTRPCRouter>(
  session: AuthSession,
): TRPCLink<TRouter> {
  return () =>
    ({ op, next }) =>
      observable((observer) => {
        let closed = false;
        let current: Unsubscribable | null = null;
        const fail = (error: unknown) => {
          if (!closed) observer.error(toClientError<TRouter>(error));
        };

        const send = (token: string | null, isRetry: boolean) => {
          if (closed) return;
          let emitted = false;
          const retryOrFail = (error: TRPCClientError<TRouter>) => {
            // Retry only what provably never ran: an auth failure before any output.
            const code = readAppCode(error);
            const unrun = !isRetry && !emitted && token !== null;
            if (unrun && isSessionOverCode(code)) {
              // The tokens moved on while the call was out (a password change in another tab
              // opened a new session of the same account): the old session's end is not this
              // page's. Sent again, once, under the new one; never as another (or an unknown) user.
              const now = session.store.get().access;
              const sub = readJwtSubject(token);
              if (now !== null && now !== token && sub !== null && readJwtSubject(now) === sub) {
                return send(now, true);
              }
            }
            const retry = unrun && code === "TOKEN_EXPIRED";
            if (!retry) {
              // Revoked from another device, reused, the user gone: no refresh can help.
              if (token !== null && isSessionOverCode(code)) session.sessionOver(code, token);
              return observer.error(error);
            }
            session.tokenAfterExpiry(token).then((fresh) => {
              if (fresh !== null) send(fresh, true);
              else if (!closed) observer.error(error);
            }, fail);
          };
          try {
            current = next(withAccessToken(op, token)).subscribe({
              next(envelope) {
                emitted = true;
                observer.next(envelope);
              },
              complete: () => observer.complete(),
              error: retryOrFail,
            });
          } catch (error) {
            // A link below that throws on subscribe (a subscription over httpLink, say).
            fail(error);
          }
        };

        session.accessToken().then((token) => send(token, false), fail);
        return () => {
          closed = true;
          current?.unsubscribe();
        };
      });
}
