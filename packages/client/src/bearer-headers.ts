// How the access token travels from the refresh link to the terminating link's headers.
import type { Operation } from "@trpc/client";
import { readJwtTimes } from "./jwt-claims";

/** The `op.context` key the refresh link writes the access token to. */
export const ACCESS_TOKEN_CONTEXT_KEY = "accessToken";

/** Returns `op` with the token in its context (removed when null); the original is untouched. */
export function withAccessToken<TOp extends Operation>(op: TOp, token: string | null): TOp {
  const context = { ...op.context, [ACCESS_TOKEN_CONTEXT_KEY]: token ?? undefined };
  return { ...op, context };
}

export function accessTokenOf(op: Pick<Operation, "context">): string | null {
  const token = op.context[ACCESS_TOKEN_CONTEXT_KEY];
  return typeof token === "string" && token !== "" ? token : null;
}

// A batch normally carries one token; if a refresh landed between its calls, send the newest.
function newest(tokens: string[]): string | null {
  let best: string | null = null;
  let bestExp = Number.NEGATIVE_INFINITY;
  for (const token of tokens) {
    const exp = readJwtTimes(token)?.exp ?? Number.NEGATIVE_INFINITY;
    if (best === null || exp > bestExp) {
      best = token;
      bestExp = exp;
    }
  }
  return best;
}

/**
 * The `headers` option for the terminating link: `Authorization: Bearer <access>` from the
 * token `refreshLink` put in the operation's context, or no header when there is none.
 * Works for httpLink (`{ op }`) and httpBatchLink / httpBatchStreamLink (`{ opList }`).
 *
 * @example
 * createTRPCClient<AppRouter>({
 *   links: [
 *     refreshLink(session),
 *     httpBatchLink({ url: "/api/trpc", headers: bearerHeaders }),
 *   ],
 * });
 * // with headers of your own:
 * httpLink({ url, headers: (opts) => ({ ...bearerHeaders(opts), "x-app": "web" }) });
 */
export function bearerHeaders(
  opts: { op: Pick<Operation, "context"> } | { opList: readonly Pick<Operation, "context">[] },
): Record<string, string> {
  const ops = "op" in opts ? [opts.op] : opts.opList;
  const token = newest(ops.map(accessTokenOf).filter((t): t is string => t !== null));
  return token === null ? {} : { authorization: `Bearer ${token}` };
}
