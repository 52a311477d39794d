"use client";
// Ends this session on the server, then here and in every tab; the sign-out event takes the page
// to /login. When the server cannot be reached the person is still signed in, and is told so.
import { useState } from "react";
import { signOut } from "../../src/auth/session";
import { leaveForSignIn } from "../../src/auth/signed-out-redirect";

export function SignOutButton() {
  const [state, setState] = useState<"idle" | "pending" | "failed">("idle");

  function run() {
    setState("pending");
    signOut().then(
      // The sign-out event goes to /login too; none fires if this page had no access token yet.
      () => leaveForSignIn("/login"),
      // The cookie is alive (auth.logout was tried a few times): a reload would sign in again.
      () => setState("failed"),
    );
  }

  return (
    <>
      <button type="button" className="secondary" disabled={state === "pending"} onClick={run}>
        {state === "pending" ? "Signing out…" : "Sign out"}
      </button>
      {state === "failed" && (
        <div className="alert banner" role="alert">
          <span>
            Sign-out did not reach the server, so you are still signed in on this device. Check your
            connection and try again.
          </span>
          <button type="button" className="secondary" onClick={run}>
            Try again
          </button>
        </div>
      )}
    </>
  );
}
