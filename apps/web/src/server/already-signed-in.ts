// The sign-in and sign-up pages send someone already signed in (a live refresh cookie) on.
import type { SignedOut } from "@kit/api";
import { redirect } from "next/navigation";
import { signedInPageSession } from "./page-session";

/**
 * Redirects to `next` when the request's cookie holds a live session; otherwise returns why not
 * (readSignedIn's `refused`), or "unreachable" when the cookie holds a well-signed refresh token
 * and the database cannot say whether its session is live: the page then says it cannot reach
 * the server (ServerUnreachable), as the dashboard does, rather than offer a signed-in visitor a
 * sign-in form (which could not work either until the database is back).
 */
export async function leaveIfSignedIn(next: string): Promise<SignedOut["refused"] | "unreachable"> {
  const signedIn = await signedInPageSession();
  if (signedIn === "unreachable") return "unreachable";
  if ("user" in signedIn) redirect(next);
  return signedIn.refused;
}
