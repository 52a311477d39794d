// Before the first call of a page load: trade the refresh cookie for an access token.

import type { AuthSession } from "@kit/client";
import type { TRPCLink } from "@trpc/client";
import { observable, type Unsubscribable } from "@trpc/server/observable";
import type { AppRouter } from "../api/root";

/**
 * In cookie mode a fresh page holds no access token, and the refresh link only refreshes a
 * session it knows exists. This link makes every call of the page wait for one cookie refresh
 * (shared with anything else refreshing) the first time the store is empty; a failed refresh
 * lets the calls go on without a token, and they fail as a signed-out call would.
 */
export function startupLink(session: AuthSession): TRPCLink<AppRouter> {
  let started: Promise<void> | null = null;
  const start = () => {
    started ??=
      session.store.get().access === null
        ? session.refresh().then(
            () => undefined,
            () => undefined,
          )
        : Promise.resolve();
    return started;
  };
  return () =>
    ({ op, next }) =>
      observable((observer) => {
        let closed = false;
        let current: Unsubscribable | null = null;
        void start().then(() => {
          if (!closed) current = next(op).subscribe(observer);
        });
        return () => {
          closed = true;
          current?.unsubscribe();
        };
      });
}
