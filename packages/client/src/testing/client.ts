// Test wiring: a session and a real tRPC client (refreshLink + httpLink, startupRefreshLink when
// asked) over the fake server.
import type { KitRouter } from "@kit/api";
import { createTRPCClient, httpLink } from "@trpc/client";
import { type AuthSessionOptions, createAuthSession, type SignedOutEvent } from "../auth-session";
import { bearerHeaders } from "../bearer-headers";
import { createCookieModeStore } from "../cookie-mode-store";
import { refreshLink } from "../refresh-link";
import { bodyRefresh, cookieRefresh } from "../refresh-strategy";
import { startupRefreshLink } from "../startup-refresh-link";
import { createMemoryStore } from "../token-store";
import type { FakeServer } from "./fake-server";

export interface TestClientOptions extends Partial<AuthSessionOptions> {
  mode?: "body" | "cookie";
  /** How far the client's clock is ahead of the server's, in ms. */
  clockAheadMs?: number;
  /** Put startupRefreshLink first, as a cookie-mode page does. */
  startup?: boolean;
}

export function createTestClient(server: FakeServer, options: TestClientOptions = {}) {
  const { mode = "body", clockAheadMs = 0, startup = false, ...rest } = options;
  // Looked up per call, so a test can swap the server's fetch (an outage) after setup.
  const strategyOptions = {
    url: server.url,
    fetch: (url: string, init: RequestInit) => server.fetch(url, init),
  };
  const events: SignedOutEvent[] = [];
  const session = createAuthSession({
    store: mode === "cookie" ? createCookieModeStore() : createMemoryStore(),
    refresh: mode === "cookie" ? cookieRefresh(strategyOptions) : bodyRefresh(strategyOptions),
    now: () => server.now + clockAheadMs,
    onSignedOut: (event) => events.push(event),
    ...rest,
  });
  const client = createTRPCClient<KitRouter>({
    links: [
      ...(startup ? [startupRefreshLink<KitRouter>(session)] : []),
      refreshLink(session),
      httpLink({ url: server.url, fetch: server.fetch, headers: bearerHeaders }),
    ],
  });
  return { session, client, events, store: session.store };
}

/** The Bearer token of every request made to `path`, in order (null: none sent). */
export function bearersSent(server: FakeServer, path: string): (string | null)[] {
  return server.requests
    .filter((request) => request.path === path)
    .map((request) => request.headers.get("authorization")?.replace(/^Bearer /, "") ?? null);
}
