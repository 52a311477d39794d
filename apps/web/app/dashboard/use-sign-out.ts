"use client";
// Signing out from the dashboard, and what the page shows when the server could not be reached.
import { classifyLogoutFailure } from "@kit/client";
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useState } from "react";
import { signOut } from "../../src/auth/session";
import { leaveForSignIn } from "../../src/auth/signed-out-redirect";

/**
 * `failed`: the server could not be reached; `retrying`: trying again after that, with its
 * notice still shown; `refused`: the server answered and refused (a 403 from a proxy setup that
 * makes the page's origin and the server's disagree): trying again would get the same answer.
 */
export type SignOutState = "idle" | "pending" | "failed" | "retrying" | "refused";

/**
 * Ends this session on the server, then here and in every tab. After a failure the person is
 * still signed in against their wish, so once any later call of this page gets through (the
 * server is back) the sign-out is tried again rather than the notice left saying otherwise.
 */
export function useSignOut(): { state: SignOutState; run: () => void } {
  const queryClient = useQueryClient();
  const [state, setState] = useState<SignOutState>("idle");

  const run = useCallback(() => {
    // After a failure the notice stays while the next try runs: hiding it would drop the keyboard
    // focus from its Try again button (and the news that the person is still signed in).
    setState((before) => (before === "failed" || before === "retrying" ? "retrying" : "pending"));
    signOut().then(
      // The sign-out event goes to /login too; none fires if this page had no access token yet.
      () => leaveForSignIn("/login"),
      // The cookie is alive (auth.logout was tried a few times): a reload would sign in again.
      (error: unknown) =>
        setState(classifyLogoutFailure(error) === "refused" ? "refused" : "failed"),
    );
  }, []);

  useEffect(() => {
    if (state !== "failed") return;
    let retried = false;
    const retryOnce = () => {
      if (retried) return;
      retried = true;
      run();
    };
    // Hiding the notice instead would leave the person signed in with nothing saying so.
    const stopQueries = queryClient.getQueryCache().subscribe((event) => {
      if (event.type === "updated" && event.action.type === "success" && !event.action.manual) {
        retryOnce();
      }
    });
    const stopMutations = queryClient.getMutationCache().subscribe((event) => {
      if (event.type === "updated" && event.action.type === "success") retryOnce();
    });
    return () => {
      stopQueries();
      stopMutations();
    };
  }, [state, queryClient, run]);

  return { state, run };
}
