"use client";
// How a card says that its data is loading, could not be loaded, or is being asked for again.
import { errorMessage } from "../auth/error-message";

/**
 * A card's loading and failure lines, in a live region that is in the page from the start (one
 * added with its text is often not read). A failure names its card (`what`): during an outage
 * every card fails at once, and the same sentence three times told a screen reader nothing new.
 * A failed card's Reload (or a retry) says "Trying again…" before it fails again, so pressing
 * it is heard to do something. `loaded`, when given, is said once the data is in (a list whose
 * filter changed).
 */
export function QueryState({
  query,
  what,
  loading,
  loaded,
}: {
  query: { isPending: boolean; isError: boolean; isFetching: boolean; error: unknown };
  what: string;
  loading: string;
  loaded?: string | undefined;
}) {
  return (
    <div role="status">
      {query.isError ? (
        <p className="alert" data-testid="load-failure">
          {query.isFetching ? "Trying again…" : `${what}: ${errorMessage(query.error)}`}
        </p>
      ) : query.isPending ? (
        <p className="muted">{loading}</p>
      ) : (
        loaded && <p className="visually-hidden">{loaded}</p>
      )}
    </div>
  );
}
