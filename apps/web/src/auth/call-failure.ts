// A protected call refused because there is no live session: clear what is left of it here.
import { readAppCode } from "@kit/api/wire";
import { isSessionOverCode } from "@kit/client";
import { getSession, signOut } from "./session";

/**
 * For the query and mutation caches' `onError`. The refresh link already signed this page (and
 * its tabs) out when a call met a dead session (TOKEN_REVOKED, TOKEN_REUSED, USER_NOT_FOUND);
 * what remains is the dead cookie, which only auth.logout can clear. MISSING_TOKEN with no
 * token at all means there was no session to end (a page whose cookie refresh failed): no
 * sign-out event fires then, so `onNoSession` takes the visitor to sign in.
 */
export function handleCallFailure(error: unknown, onNoSession: () => void): void {
  const code = readAppCode(error);
  // The server has ended the session already: signed out here at once, whether or not the
  // logout that clears the cookie gets through (a dead cookie only fails its next refresh).
  if (isSessionOverCode(code)) {
    void signOut({ alreadyEnded: true });
    return;
  }
  if (code !== "MISSING_TOKEN") return;
  const hadToken = getSession().store.get().access !== null;
  void signOut({ alreadyEnded: true });
  if (!hadToken) onNoSession();
}
