"use client";
// The dashboard's heading row with Sign out, and below it (never inside the row, where it would
// push the button under the heading) the notice of a sign-out that did not reach the server.
import type { ReactNode } from "react";
import { BusyButton } from "../../src/forms/busy-button";
import { useSignOut } from "./use-sign-out";

/** `children`: links shown before Sign out (Admin, for admins). */
export function DashboardHeader({ children }: { children?: ReactNode }) {
  const { state, run } = useSignOut();
  return (
    <>
      <div className="card-header">
        <h1>Dashboard</h1>
        <div className="actions">
          {children}
          <BusyButton
            className="secondary"
            busy={state === "pending" || state === "retrying"}
            onClick={run}
          >
            {state === "pending" ? "Signing out…" : "Sign out"}
          </BusyButton>
        </div>
      </div>
      {state === "refused" && (
        <div className="alert banner" role="alert">
          <span>
            The server refused to sign you out, so you are still signed in on this device. Reload
            the page and sign out again; if this keeps happening, tell the site's operator (the
            address you use may not match the server's settings).
          </span>
        </div>
      )}
      {(state === "failed" || state === "retrying") && (
        <div className="alert banner" role="alert">
          <span>
            Sign-out did not reach the server, so you are still signed in on this device. Check your
            connection and try again.
          </span>
          <BusyButton className="secondary" busy={state === "retrying"} onClick={run}>
            {state === "retrying" ? "Trying again…" : "Try again"}
          </BusyButton>
        </div>
      )}
    </>
  );
}
