"use client";
// A form's submit button, enabled once the page's script runs. Before that, a submit would post
// the form to the page itself, which renders it again empty (what was typed is lost); without
// JavaScript it could never succeed, and the form says so instead of failing silently.
import { type ReactNode, useSyncExternalStore } from "react";

const subscribeToNothing = () => () => {};

/** False in the server's render and while the browser hydrates it; true once React runs. */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribeToNothing,
    () => true,
    () => false,
  );
}

/** The form's actions row: its submit button, disabled while `pending` or before hydration. */
export function SubmitButton({ pending, children }: { pending: boolean; children: ReactNode }) {
  const hydrated = useHydrated();
  return (
    <>
      <noscript>
        <p className="alert">This form needs JavaScript: allow it for this site, then reload.</p>
      </noscript>
      <div className="actions">
        <button type="submit" disabled={pending || !hydrated}>
          {children}
        </button>
      </div>
    </>
  );
}
