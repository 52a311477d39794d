"use client";
// Sends the page to sign-in whenever the session ends: this tab, another tab, revoked, reused.
import type { SignedOutEvent } from "@kit/client";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { endedNoticeFor } from "./ended-notice";
import { isProtectedPath } from "./next-path";
import { setSignedOutHandler } from "./session";

/**
 * The sign-in URL for the page being left: come back here afterwards unless the person chose to
 * leave, and say why they are there when they did not (`reason` null: there was no session).
 */
export function signInUrl(reason: SignedOutEvent["reason"] | null): string {
  const here = window.location.pathname;
  const params = new URLSearchParams();
  if (reason !== "SIGN_OUT" && isProtectedPath(here)) params.set("next", here);
  const notice = endedNoticeFor(reason);
  if (notice) params.set("ended", notice);
  const query = params.toString();
  return query ? `/login?${query}` : "/login";
}

// Set once this document has signed out; a copy of it restored by Back (the browser's
// back/forward cache) must not show what it held then.
let signedOutHere = false;

/**
 * Leaves for the sign-in page with a full page load. The router keeps what the server rendered
 * for each page it has shown, and Back would show the dashboard from that (the last user's name
 * and email) before any check could run: a new document starts with nothing of theirs.
 */
export function leaveForSignIn(url: string): void {
  signedOutHere = true;
  window.location.replace(url);
}

export function SignedOutRedirect() {
  const queryClient = useQueryClient();
  useEffect(
    () =>
      setSignedOutHandler((event) => {
        // Nothing of the last user's may stay on screen or in the cache.
        queryClient.clear();
        if (event.reason === "ACCOUNT_CHANGED") {
          // Another tab signed in as someone else, whose session this tab now holds: the page
          // was rendered for the last account, so it is rendered again for this one.
          window.location.reload();
          return;
        }
        signedOutHere = true;
        const path = window.location.pathname;
        if (path === "/login" || path === "/register") return;
        leaveForSignIn(signInUrl(event.reason));
      }),
    [queryClient],
  );
  useEffect(() => {
    const restored = (event: PageTransitionEvent) => {
      if (event.persisted && signedOutHere) window.location.reload();
    };
    window.addEventListener("pageshow", restored);
    return () => window.removeEventListener("pageshow", restored);
  }, []);
  return null;
}
