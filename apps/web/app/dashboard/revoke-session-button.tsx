// The Revoke button of one session row. It shows "Revoke" but is named for the session it ends
// ("Revoke session: Chrome on Linux, 127.0.0.1, signed in …, ID 4f0c2a"), so a screen reader
// tabbing through the buttons, or a voice command, can tell one row's from another's. The name
// starts with the visible word, so saying "click Revoke" still finds it.
import { describeSession } from "./format";
import type { SessionFacts } from "./session-summary";

export function RevokeSessionButton({
  session,
  disabled,
  onRevoke,
}: {
  session: SessionFacts;
  disabled: boolean;
  onRevoke: () => void;
}) {
  return (
    <button
      type="button"
      className="danger"
      aria-label={`Revoke session: ${describeSession(session)}`}
      disabled={disabled}
      onClick={onRevoke}
    >
      Revoke
    </button>
  );
}
