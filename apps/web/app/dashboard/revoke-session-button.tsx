// The Revoke button of one session row. It shows "Revoke" but is named for the session it ends
// ("Revoke session: Chrome on Linux, 127.0.0.1, signed in …, ID 4f0c2a"), so a screen reader
// tabbing through the buttons, or a voice command, can tell one row's from another's. The name
// starts with the visible word, so saying "click Revoke" still finds it.
import { BusyButton } from "../../src/forms/busy-button";
import { describeSession } from "./format";
import type { SessionFacts } from "./session-summary";

/** `busy`: a revocation runs (this row's or another's); presses are ignored meanwhile. */
export function RevokeSessionButton({
  session,
  busy,
  onRevoke,
}: {
  session: SessionFacts;
  busy: boolean;
  onRevoke: () => void;
}) {
  return (
    <BusyButton
      className="danger"
      aria-label={`Revoke session: ${describeSession(session)}`}
      busy={busy}
      onClick={onRevoke}
    >
      Revoke
    </BusyButton>
  );
}
