// Cookie mode's page load: trade the refresh cookie for an access token before the first call.
import type { TRPCLink } from "@trpc/client";
import type { AnyTRPCRouter } from "@trpc/server";
import { observable, type Unsubscribable } from "@trpc/server/observable";
import type { AuthSession } from "./auth-session";
import { toClientError } from "./client-error";
import { isRefreshError } from "./refresh-error";

/**
 * In cookie mode a freshly loaded page holds no access token, and `refreshLink` only refreshes a
 * session it knows exists. Put this link first: the page's first calls wait for one refresh
 * through the cookie (shared with anything else refreshing), then go on.
 *
 * - the refresh worked: the calls carry the new access token;
 * - the server said there is no session (a sign-out code: no cookie, or a dead one): the calls go
 *   on without a token, and fail as a signed-out visitor's would (public procedures work);
 * - anything else (the server unreachable, a timeout, a 5xx such as `DB_UNAVAILABLE`,
 *   `RATE_LIMITED`): nobody knows whether there is a session, so the waiting calls fail with that
 *   error, and the next call tries the refresh again. Sending them without a token instead would
 *   have them refused as `MISSING_TOKEN`, and an app that signs out on that would clear a live
 *   cookie: a person signed out by a network blip during a page load.
 *
 * @example
 * const session = createAuthSession({ store: createCookieModeStore(), refresh: cookieRefresh({ url }) });
 * const client = createTRPCClient<AppRouter>({
 *   links: [startupRefreshLink(session), refreshLink(session), httpBatchLink({ url, headers: bearerHeaders })],
 * });
 */
export function startupRefreshLink<TRouter extends AnyTRPCRouter = AnyTRPCRouter>(
  session: AuthSession,
): TRPCLink<TRouter> {
  // Settled once the page knows where it stands; null again after a passing failure.
  let started: Promise<void> | null = null;
  const start = (): Promise<void> => {
    started ??=
      session.store.get().access === null
        ? session.refresh().then(
            () => undefined,
            (error: unknown) => {
              if (isRefreshError(error) && error.signOut) return;
              started = null;
              throw error;
            },
          )
        : Promise.resolve();
    return started;
  };
  return () =>
    ({ op, next }) =>
      observable((observer) => {
        let closed = false;
        let current: Unsubscribable | null = null;
        start().then(
          () => {
            if (!closed) current = next(op).subscribe(observer);
          },
          (error: unknown) => {
            if (!closed) observer.error(toClientError<TRouter>(error));
          },
        );
        return () => {
          closed = true;
          current?.unsubscribe();
        };
      });
}
