// The refresh endpoint's two mutations (`auth.refresh`, `auth.logout`) through a typed tRPC
// client on a bare httpLink, every failure turned into a RefreshError. Deliberately not through
// the refresh link: a refresh that went through the link that refreshes would call itself.
import type { KitRouter } from "@kit/api";
import { readAppCode } from "@kit/api/wire";
import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";
import { RefreshError, type RefreshErrorCode } from "./refresh-error";

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/**
 * How long a refresh (or logout) call waits for its answer. A refresh that gets none is tried
 * once more at once, and that retry must reach the server within its grace window
 * (AUTH_REFRESH_REUSE_GRACE, 10 s by default): keep it under half the window.
 */
export const DEFAULT_REFRESH_TIMEOUT_MS = 4_000;

/**
 * How long the retry of a refresh that got no answer waits for its own. It is sent at once, so it
 * reaches the server inside the grace window whatever it waits; its answer may take its time (a
 * network that answers in 5 s timed the first out, and the same wait for the retry ended the
 * session as reuse at the app's next refresh).
 */
export const DEFAULT_REFRESH_RETRY_TIMEOUT_MS = 15_000;

/** What one call sends besides its input, and where. */
export interface RefreshCallOptions {
  url: string | URL;
  fetch?: FetchLike;
  timeoutMs?: number;
  headers?: Record<string, string>;
  credentials?: RequestCredentials;
}

type AuthClient = ReturnType<typeof createTRPCClient<KitRouter>>["auth"];

/**
 * Runs one typed call on `auth` (`auth.refresh` or `auth.logout`): its result, or a RefreshError
 * with the HTTP status and the parsed answer. The client is made per call so that the Response
 * it saw (the status of an answer tRPC could not read) belongs to that call alone.
 *
 * @example
 * const pair = await callAuth(options, "auth.refresh", (auth, signal) =>
 *   auth.refresh.mutate({ refresh }, { signal }),
 * );
 */
export async function callAuth<T>(
  options: RefreshCallOptions,
  path: string,
  run: (auth: AuthClient, signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  let answered: Response | null = null;
  const client = createTRPCClient<KitRouter>({
    links: [
      httpLink({
        // httpLink joins `${url}/${path}`: no trailing slashes, or the path would hold `//`.
        url: options.url.toString().replace(/\/+$/, ""),
        headers: options.headers ?? {},
        fetch: async (url, init) => {
          try {
            answered = await fetchImpl(String(url), {
              ...init,
              ...(options.credentials ? { credentials: options.credentials } : {}),
            });
          } catch (cause) {
            throw new RefreshError("NETWORK_ERROR", `Could not reach ${path}.`, null, undefined, {
              cause,
            });
          }
          return answered;
        },
      }),
    ],
  });
  // A refresh that hangs would hold every call waiting on it, and its retry must reach the
  // server inside the grace window (see createAuthSession).
  const signal = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_REFRESH_TIMEOUT_MS);
  let result: T;
  try {
    result = await run(client.auth, signal);
  } catch (error) {
    throw toRefreshError(error, answered, path);
  }
  const status = (answered as Response | null)?.status ?? null;
  // A tRPC result under an error status is not an answer to trust.
  if (status !== null && (status < 200 || status > 299)) {
    throw new RefreshError("BAD_RESPONSE", `${path} answered ${status}.`, status, result);
  }
  return result;
}

function toRefreshError(error: unknown, answered: Response | null, path: string): RefreshError {
  if (error instanceof RefreshError) return error;
  const inner = error instanceof TRPCClientError ? error.cause : undefined;
  if (inner instanceof RefreshError) return inner;
  // No answer at all: the timeout (or another abort) ended the call before the server replied.
  if (answered === null) {
    return new RefreshError("NETWORK_ERROR", `Could not reach ${path}.`, null, undefined, {
      cause: inner ?? error,
    });
  }
  const status = (answered as Response).status;
  const meta = error instanceof TRPCClientError ? error.meta : undefined;
  const json = (meta as { responseJSON?: unknown } | undefined)?.responseJSON;
  // Branch on the machine code only; the message is for people.
  const code = readAppCode(error);
  if (code !== null && json !== undefined) {
    const message = error instanceof Error ? error.message : code;
    return new RefreshError(code as RefreshErrorCode, message, status, json);
  }
  // Not a tRPC answer: a proxy's HTML 502, a body tRPC could not read.
  return new RefreshError("BAD_RESPONSE", `${path} answered ${status}.`, status, json, {
    cause: error,
  });
}
