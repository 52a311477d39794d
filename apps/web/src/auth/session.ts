// The page's one auth session, in cookie mode: the refresh token is an HttpOnly cookie the page
// never sees; only the access token is kept, in memory.
import { TRPC_ENDPOINT } from "@kit/api/wire";
import {
  type AuthSession,
  cookieRefresh,
  createAuthSession,
  createCookieModeStore,
  type SignedOutEvent,
  type SignOutOptions,
} from "@kit/client";

type SignedOutHandler = (event: SignedOutEvent) => void;

// Until the app's navigator is mounted, a full page load is the way to the sign-in page.
let signedOutHandler: SignedOutHandler = () => window.location.assign("/login");
let browserSession: AuthSession | null = null;
let pendingSignOut: Promise<void> = Promise.resolve();

function createSession(inBrowser: boolean): AuthSession {
  return createAuthSession({
    store: createCookieModeStore(),
    refresh: cookieRefresh({ url: TRPC_ENDPOINT }),
    // Other tabs share new access tokens and follow a sign-out. Never on the server: one Node
    // process serves every visitor.
    channel: inBrowser ? { name: "kit-auth" } : undefined,
    onSignedOut: (event) => signedOutHandler(event),
  });
}

/**
 * The browser's session, one per page. During server rendering each call gets a fresh,
 * empty session that is never shared between requests.
 */
export function getSession(): AuthSession {
  if (typeof window === "undefined") return createSession(false);
  browserSession ??= createSession(true);
  return browserSession;
}

/** What to do when the session ends (another tab, revoked elsewhere, reuse detected). */
export function setSignedOutHandler(handler: SignedOutHandler): () => void {
  signedOutHandler = handler;
  return () => {
    if (signedOutHandler === handler) signedOutHandler = () => window.location.assign("/login");
  };
}

/**
 * Signs out on the server, then here and in every tab. Rejects when the server could not be
 * reached: the cookie is alive and the person is still signed in (see useSignOut). A later
 * sign-in waits for it, so the old cookie's removal cannot land after the new one.
 */
export function signOut(options?: SignOutOptions): Promise<void> {
  const done = getSession().signOut(options);
  pendingSignOut = done.catch(() => undefined);
  return done;
}

/** Resolves once any sign-out in flight has reached the server or given up. */
export function signOutSettled(): Promise<void> {
  return pendingSignOut;
}
