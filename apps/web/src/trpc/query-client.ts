// The React Query cache: a refused call whose session is over signs the page out.
import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";
import { handleCallFailure } from "../auth/call-failure";

/** How soon a failed card asks again: the health check's own Retry-After in an outage. */
const FAILED_RETRY_MS = 5_000;

export function createQueryClient(onNoSession: () => void): QueryClient {
  const onError = (error: unknown) => handleCallFailure(error, onNoSession);
  return new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        // An auth failure is not going to pass on a second try.
        retry: (failures, error) => failures < 2 && !isAuthFailure(error),
        // A card whose call failed on the way (the server or its database away) asks again by
        // itself, as the outage page does, rather than keeping the failure beside fresh data
        // until someone clicks. Only while the tab is shown (React Query's default).
        refetchInterval: retryWhileUnreachable,
        // Sent whatever navigator.onLine says (React Query's default pauses while the system
        // reports no network): offline, a reload fails and says so instead of doing nothing.
        networkMode: "always",
      },
      mutations: {
        // Never held while offline and sent on reconnection: a password change or a sign-out
        // everywhere the person took for failed must not happen minutes later. It fails now,
        // with "Could not reach the server", and they can try again.
        networkMode: "always",
      },
    },
  });
}

/**
 * A query's refetch interval while its last ask failed on the way (the server or its database
 * away, not a refusal): FAILED_RETRY_MS; false otherwise.
 */
export function retryWhileUnreachable(query: {
  state: { status: string; error: unknown };
}): number | false {
  return query.state.status === "error" && !isAuthFailure(query.state.error)
    ? FAILED_RETRY_MS
    : false;
}

function isAuthFailure(error: unknown): boolean {
  const data = (error as { data?: { httpStatus?: unknown } } | null)?.data;
  const status = data?.httpStatus;
  return typeof status === "number" && status >= 400 && status < 500;
}
