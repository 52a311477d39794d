// The sign-in and sign-up pages send someone already signed in (a live refresh cookie) on.
import { isDatabaseUnavailable } from "@kit/api";
import { redirect } from "next/navigation";
import { pageSession } from "./page-session";

/** Redirects to `next` when the request's cookie holds a live session; returns otherwise. */
export async function leaveIfSignedIn(next: string): Promise<void> {
  let signedIn: unknown;
  try {
    signedIn = await pageSession();
  } catch (error) {
    // Whether the session is live cannot be known now: the form, which works once it is back.
    if (isDatabaseUnavailable(error)) return;
    throw error;
  }
  if (signedIn) redirect(next);
}
