"use client";
// A row's Deactivate (asked twice, in the row) or Reactivate.
import { BusyButton } from "../../src/forms/busy-button";

// The Deactivate button the confirmation replaces had the keyboard. One function for every
// render: React calls a ref again whenever it is a new function, which would take the keyboard
// back from the search field at each re-render.
const focusWhenShown = (button: HTMLButtonElement | null) => button?.focus();

export function ActivationButtons({
  user,
  confirming,
  busy,
  deactivating,
  onAsk,
  onDeactivate,
  onKeep,
  onReactivate,
}: {
  user: { id: string; email: string; isActive: boolean };
  /** Deactivate was pressed once for this row: the question shows. */
  confirming: boolean;
  /** Any row's action is running. */
  busy: boolean;
  /** A deactivation is running (Keep active and Escape wait for it). */
  deactivating: boolean;
  onAsk: () => void;
  onDeactivate: () => void;
  onKeep: () => void;
  onReactivate: () => void;
}) {
  if (!user.isActive) {
    return (
      <BusyButton busy={busy} aria-label={`Reactivate: ${user.email}`} onClick={onReactivate}>
        Reactivate
      </BusyButton>
    );
  }
  if (!confirming) {
    return (
      <BusyButton
        className="danger"
        busy={busy}
        data-action="deactivate"
        data-user={user.id}
        aria-label={`Deactivate: ${user.email}`}
        onClick={onAsk}
      >
        Deactivate
      </BusyButton>
    );
  }
  return (
    // Escape, as a dialog's: the question is withdrawn, nothing done.
    // biome-ignore lint/a11y/noStaticElementInteractions: keys bubbling from its two buttons
    <span
      className="actions"
      onKeyDown={(event) => {
        if (event.key === "Escape" && !deactivating) onKeep();
      }}
    >
      <BusyButton
        className="danger"
        busy={busy}
        ref={focusWhenShown}
        title="Their sessions end now; Reactivate lets them sign in again"
        aria-label={`Deactivate and sign out now: ${user.email}`}
        onClick={onDeactivate}
      >
        Deactivate and sign out now
      </BusyButton>
      <BusyButton
        className="secondary"
        busy={deactivating}
        aria-label={`Keep active: ${user.email}`}
        onClick={onKeep}
      >
        Keep active
      </BusyButton>
    </span>
  );
}
