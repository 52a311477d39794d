// Who is signed in, from the refresh cookie alone: for server components that render a signed-in
// page without waiting for the browser to refresh. Read-only: it never rotates anything.
import { isAuthError } from "@kit/auth";
import type { AppDeps } from "../deps";
import { deviceFromCookie } from "../device-marker";
import type { PrincipalUser } from "../principal";
import { peekSession } from "../services/sessions";
import { readRefreshCookie } from "./refresh-cookie";

export interface SignedInUser {
  user: PrincipalUser;
  sessionId: string;
}

/**
 * The user whose `kit_refresh` cookie the request carries, or null: no cookie, a bad, expired or
 * stale token, a deactivated user, or a session that is revoked or over. Nothing is written, so
 * rendering a page never rotates the token the browser holds. Throws only when the database does.
 *
 * @example
 * // a Next.js server component
 * const signedIn = await getSignedInUser(await getDeps(), await headers());
 * if (!signedIn) redirect("/login");
 */
export async function getSignedInUser(
  deps: AppDeps,
  headers: Headers,
): Promise<SignedInUser | null> {
  try {
    const token = readRefreshCookie(headers);
    if (!token) return null;
    return await peekSession(deps, token, deviceFromCookie(deps, headers, null));
  } catch (error) {
    if (isAuthError(error)) return null;
    throw error;
  }
}
