"use client";
// What a list's actions tell the user: an error, or what was done, said where a screen reader
// hears it and with the keyboard put back somewhere that stays.
import { useCallback, useRef, useState } from "react";
import { errorMessage } from "../auth/error-message";

/**
 * The outcome of a list's actions (revoke a session, revoke them all). `focusRef` goes on the
 * list's heading: after a success the heading takes the keyboard, since the button that had it
 * usually goes with its row. `focusOnMount` also gives it the keyboard when the list appears
 * (a panel opened far from the button that opened it).
 */
export function useActionOutcome({ focusOnMount = false } = {}) {
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const target = useRef<HTMLElement | null>(null);
  // Stable: React calls a new callback ref at every render, which would focus each time.
  const focusRef = useCallback(
    (element: HTMLElement | null) => {
      target.current = element;
      if (focusOnMount) element?.focus();
    },
    [focusOnMount],
  );
  return {
    error,
    status,
    focusRef,
    begin: () => {
      setError(null);
      setStatus(null);
    },
    succeeded: (done: string) => {
      setStatus(done);
      target.current?.focus();
    },
    failed: (failure: unknown) => setError(errorMessage(failure)),
  };
}

/** The error (an alert) and the status line of `useActionOutcome`. */
export function ActionMessages({ error, status }: { error: string | null; status: string | null }) {
  return (
    <>
      {error && (
        <p className="alert" role="alert">
          {error}
        </p>
      )}
      {/* In the page from the start: a live region added with its text is often not read. */}
      <div role="status">{status && <p className="notice">{status}</p>}</div>
    </>
  );
}
