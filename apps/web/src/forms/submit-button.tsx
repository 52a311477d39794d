"use client";
// A form's submit button, enabled once the page's script runs. Before that, a submit would post
// the form to the page itself, which renders it again empty (what was typed is lost); without
// JavaScript it could never succeed, and the form says so instead of failing silently.
import { type ReactNode, useSyncExternalStore } from "react";
import { BusyButton } from "./busy-button";

const subscribeToNothing = () => () => {};

/** False in the server's render and while the browser hydrates it; true once React runs. */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribeToNothing,
    () => true,
    () => false,
  );
}

/**
 * The form's actions row: its submit button, disabled before hydration (nothing could handle a
 * press), and busy while `pending` (focus stays on it; a second press sends nothing).
 */
export function SubmitButton({ pending, children }: { pending: boolean; children: ReactNode }) {
  const hydrated = useHydrated();
  return (
    <div className="actions">
      <BusyButton type="submit" busy={pending} disabled={!hydrated}>
        {children}
      </BusyButton>
    </div>
  );
}

/**
 * Said first in a form that needs JavaScript, where it is read before the fields are filled in
 * (at the end, it came after all of them, beside a button Tab skips).
 */
export function NeedsJavaScript() {
  return (
    <noscript>
      <p className="alert">This form needs JavaScript: allow it for this site, then reload.</p>
    </noscript>
  );
}
