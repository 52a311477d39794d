"use client";
// A sign-in page rendered for a refresh cookie that is not its session's current token. A page
// render only reads (readSignedIn), and only a refresh can tell reuse (someone else rotated the
// token: the server then revokes the session) from an answer that never reached this browser;
// without this, a victim who comes back with a fresh page load and signs in again leaves the
// thief's session running. So the page refreshes once, by the POST any refresh is.
import { isRefreshError, isSessionOverCode } from "@kit/client";
import { useEffect } from "react";
import { endedNoticeFor } from "./ended-notice";
import { getSession } from "./session";

export function StaleCookieCheck({ next }: { next: string }) {
  useEffect(() => {
    let mounted = true;
    getSession()
      .refresh()
      .then(
        // The session was live after all (a rotation that raced this page): on to `next`.
        () => mounted && window.location.replace(next),
        (error: unknown) => {
          // Only what proves the session over is said; anything else leaves the form as it is.
          const over = mounted && isRefreshError(error) && isSessionOverCode(error.code);
          const notice = over ? endedNoticeFor(error.code) : null;
          if (notice === null) return;
          window.location.replace(`/login?${new URLSearchParams({ next, ended: notice })}`);
        },
      );
    return () => {
      mounted = false;
    };
  }, [next]);
  return null;
}
