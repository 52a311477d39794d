// A protected call refused because there is no live session: clear what is left of it here.
import { readAppCode } from "@kit/api/wire";
import { isSessionOverCode } from "@kit/client";
import { getSession, signOut } from "./session";

/**
 * For the query and mutation caches' `onError`. The refresh link signs this page (and its
 * tabs) out when a call met a dead session (TOKEN_REUSED and USER_NOT_FOUND at once;
 * TOKEN_REVOKED once a refresh has found no new session in the cookie): what remains then is the
 * dead cookie, which only auth.logout can clear. MISSING_TOKEN with no
 * token at all means there was no session to end (a page whose cookie refresh failed): no
 * sign-out event fires then, so `onNoSession` takes the visitor to sign in.
 *
 * A page that holds an access token now is signed in on tokens the failed call did not carry
 * (the refresh link signs out only when the refused token is still the current one): the call
 * left before a password change, another tab's sign-in or refresh, and its answer is about a
 * session already replaced. A logout then would end the session that replaced it.
 */
export function handleCallFailure(error: unknown, onNoSession: () => void): void {
  const code = readAppCode(error);
  if (!isSessionOverCode(code) && code !== "MISSING_TOKEN") return;
  if (getSession().store.get().access !== null) return;
  // Signed out here already, or never signed in: clear the cookie, whether or not the logout
  // gets through (a dead cookie only fails its next refresh).
  void signOut({ alreadyEnded: true });
  if (code === "MISSING_TOKEN") onNoSession();
}
