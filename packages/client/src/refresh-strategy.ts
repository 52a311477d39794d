// How a new token pair is obtained (body or cookie mode), over plain fetch so that it works
// outside tRPC and before any client exists.
import { COOKIE_MODE_HEADER } from "@kit/api/wire";
import type { DeviceMarkerStore } from "./device-marker-store";
import { RefreshError, type RefreshErrorCode } from "./refresh-error";
import type { TokenSnapshot } from "./token-store";

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface RefreshStrategy {
  /** `cookie`: the refresh token is an HttpOnly cookie the page cannot see. */
  readonly mode: "body" | "cookie";
  /** Exchanges the current tokens for new ones; throws RefreshError. */
  refresh(current: TokenSnapshot): Promise<TokenSnapshot>;
  /** Ends the session on the server (`auth.logout`); throws RefreshError. */
  revoke(current: TokenSnapshot): Promise<void>;
}

export interface RefreshStrategyOptions {
  /** The tRPC endpoint, as given to httpLink: `"/api/trpc"` or an absolute URL. */
  url: string | URL;
  /** Default `globalThis.fetch`, looked up at call time. */
  fetch?: FetchLike;
  /** A refresh that hangs would hold every call; after this it fails as NETWORK_ERROR. Default 15 s. */
  timeoutMs?: number;
  /**
   * Body mode: the device marker to send with each refresh. Only the device that rotated a
   * refresh token may replay it inside the server's grace window; without a marker the server
   * goes by address and user agent instead.
   */
  device?: DeviceMarkerStore;
}

function endpoint(options: RefreshStrategyOptions, path: string): string {
  return `${options.url.toString().replace(/\/+$/, "")}/${path}`;
}

function errorOf(json: unknown): { appCode: string; message: string } | null {
  if (typeof json !== "object" || json === null || !("error" in json)) return null;
  const error = json.error as { message?: unknown; data?: { appCode?: unknown } } | null;
  const appCode = error?.data?.appCode;
  if (typeof appCode !== "string") return null;
  const message = typeof error?.message === "string" ? error.message : appCode;
  return { appCode, message };
}

function dataOf(json: unknown): Record<string, unknown> | null {
  if (typeof json !== "object" || json === null || !("result" in json)) return null;
  const data = (json.result as { data?: unknown } | null)?.data;
  return typeof data === "object" && data !== null ? (data as Record<string, unknown>) : null;
}

/** POSTs to a tRPC mutation and returns `result.data`; every failure is a RefreshError. */
async function callMutation(
  options: RefreshStrategyOptions,
  path: string,
  init: { body: unknown; headers?: Record<string, string>; credentials?: RequestCredentials },
): Promise<Record<string, unknown>> {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  let response: Response;
  try {
    response = await fetchImpl(endpoint(options, path), {
      method: "POST",
      // tRPC answers 415 to a mutation without a JSON content type.
      headers: { "content-type": "application/json", ...init.headers },
      body: JSON.stringify(init.body),
      ...(init.credentials ? { credentials: init.credentials } : {}),
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
  } catch (cause) {
    throw new RefreshError("NETWORK_ERROR", `Could not reach ${path}.`, null, undefined, { cause });
  }
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    json = undefined;
  }
  // Branch on the machine code only; the message is for people.
  const error = errorOf(json);
  if (error) {
    throw new RefreshError(error.appCode as RefreshErrorCode, error.message, response.status, json);
  }
  const data = dataOf(json);
  if (!response.ok || !data) {
    throw new RefreshError(
      "BAD_RESPONSE",
      `${path} answered ${response.status}.`,
      response.status,
      json,
    );
  }
  return data;
}

function nonEmpty(value: unknown): value is string {
  return typeof value === "string" && value !== "";
}

/**
 * Body mode: the refresh token is sent in the body, `{"refresh":"…"}`, and a rotated pair
 * comes back. Pair it with `createLocalStorageStore` or `createMemoryStore`.
 *
 * @example
 * const refresh = bodyRefresh({ url: "/api/trpc" });
 */
export function bodyRefresh(options: RefreshStrategyOptions): RefreshStrategy {
  return {
    mode: "body",
    async refresh(current) {
      // Nothing to send is as final as the server saying so, without the round trip.
      if (!current.refresh) throw new RefreshError("MISSING_TOKEN", "No refresh token.");
      const device = options.device?.get();
      const data = await callMutation(options, "auth.refresh", {
        body: device ? { refresh: current.refresh, device } : { refresh: current.refresh },
      });
      if (!nonEmpty(data.access) || !nonEmpty(data.refresh)) {
        throw new RefreshError("BAD_RESPONSE", "auth.refresh returned no token pair.", 200, data);
      }
      return { access: data.access, refresh: data.refresh };
    },
    async revoke(current) {
      if (!current.refresh) return;
      await callMutation(options, "auth.logout", { body: { refresh: current.refresh } });
    },
  };
}

/**
 * Cookie mode: the refresh token is an HttpOnly cookie set by the server. The request carries
 * an empty body, same-origin credentials and `x-auth-refresh: cookie`; the answer holds only
 * the access token (`refresh: null`) and a `Set-Cookie` with the rotated refresh token. Pair it
 * with `createCookieModeStore`.
 *
 * @example
 * const refresh = cookieRefresh({ url: "/api/trpc" });
 */
export function cookieRefresh(options: RefreshStrategyOptions): RefreshStrategy {
  const cookieInit = {
    body: {},
    headers: { [COOKIE_MODE_HEADER]: "cookie" },
    credentials: "same-origin" as const,
  };
  return {
    mode: "cookie",
    async refresh() {
      const data = await callMutation(options, "auth.refresh", cookieInit);
      if (!nonEmpty(data.access)) {
        throw new RefreshError("BAD_RESPONSE", "auth.refresh returned no access token.", 200, data);
      }
      return { access: data.access, refresh: null };
    },
    async revoke() {
      await callMutation(options, "auth.logout", cookieInit);
    },
  };
}
