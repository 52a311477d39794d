// The React Query cache: a refused call whose session is over signs the page out.
import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";
import { handleCallFailure } from "../auth/call-failure";

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

function isAuthFailure(error: unknown): boolean {
  const data = (error as { data?: { httpStatus?: unknown } } | null)?.data;
  const status = data?.httpStatus;
  return typeof status === "number" && status >= 400 && status < 500;
}
