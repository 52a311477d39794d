"use client";
// The dashboard's heading row with Sign out, and below it (never inside the row, where it would
// push the button under the heading) the notice of a sign-out that did not reach the server.
import type { ReactNode } from "react";
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
          <button
            type="button"
            className="secondary"
            disabled={state === "pending" || state === "retrying"}
            onClick={run}
          >
            {state === "pending" ? "Signing out…" : "Sign out"}
          </button>
        </div>
      </div>
      {(state === "failed" || state === "retrying") && (
        <div className="alert banner" role="alert">
          <span>
            Sign-out did not reach the server, so you are still signed in on this device. Check your
            connection and try again.
          </span>
          {/* aria-disabled, not disabled: a disabled button would lose the keyboard focus. */}
          <button
            type="button"
            className="secondary"
            aria-disabled={state === "retrying"}
            onClick={state === "retrying" ? undefined : run}
          >
            {state === "retrying" ? "Trying again…" : "Try again"}
          </button>
        </div>
      )}
    </>
  );
}
