// The sign-in and sign-up pages send someone already signed in (a live refresh cookie) on.
import { isDatabaseUnavailable, type SignedOut } from "@kit/api";
import { redirect } from "next/navigation";
import { pageSession } from "./page-session";

/**
 * Redirects to `next` when the request's cookie holds a live session; otherwise returns why not
 * (readSignedIn's `refused`; null too while the database is away).
 */
export async function leaveIfSignedIn(next: string): Promise<SignedOut["refused"]> {
  let signedIn: Awaited<ReturnType<typeof pageSession>>;
  try {
    signedIn = await pageSession();
  } catch (error) {
    // Whether the session is live cannot be known now: the form, which works once it is back.
    if (isDatabaseUnavailable(error)) return null;
    throw error;
  }
  if ("user" in signedIn) redirect(next);
  return signedIn.refused;
}
