"use client";
// Sends the page to sign-in whenever the session ends: this tab, another tab, revoked, reused.
import type { SignedOutEvent } from "@kit/client";
import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { isProtectedPath } from "./next-path";
import { setSignedOutHandler } from "./session";

/** The sign-in URL for the page being left: come back here afterwards unless the person chose to leave. */
export function signInUrl(reason: SignedOutEvent["reason"] | null): string {
  const here = window.location.pathname;
  if (reason === "SIGN_OUT" || !isProtectedPath(here)) return "/login";
  return `/login?next=${encodeURIComponent(here)}`;
}

export function SignedOutRedirect() {
  const router = useRouter();
  const queryClient = useQueryClient();
  useEffect(
    () =>
      setSignedOutHandler((event) => {
        // Nothing of the last user's may stay on screen or in the cache.
        queryClient.clear();
        const path = window.location.pathname;
        if (path === "/login" || path === "/register") return;
        router.replace(signInUrl(event.reason));
      }),
    [router, queryClient],
  );
  return null;
}
