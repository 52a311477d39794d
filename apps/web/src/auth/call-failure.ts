// A protected call refused because the session itself is over: sign this page (and its tabs) out.
import { appCodeOf } from "./error-message";
import { getSession, signOut } from "./session";

// The access token was fine but its session is gone (revoked from another device, every
// session ended, the user removed), or there was no token at all.
const SESSION_OVER = new Set(["TOKEN_REVOKED", "TOKEN_REUSED", "USER_NOT_FOUND", "MISSING_TOKEN"]);

/**
 * For the query and mutation caches' `onError`. The refresh link signs out by itself when a
 * refresh is refused; this covers the calls refused outright. `onNoSession` runs when there
 * was no signed-in state to end (a page whose cookie refresh failed), since no sign-out event
 * fires then.
 */
export function handleCallFailure(error: unknown, onNoSession: () => void): void {
  const code = appCodeOf(error);
  if (code === null || !SESSION_OVER.has(code)) return;
  const hadToken = getSession().store.get().access !== null;
  // auth.logout also clears the dead cookie; the sign-out event navigates.
  void signOut();
  if (!hadToken) onNoSession();
}
