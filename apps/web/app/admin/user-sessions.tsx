"use client";
// One account's live sessions, as an admin sees them: revoke one, or all at once.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { BusyButton } from "../../src/forms/busy-button";
import { useTRPC } from "../../src/trpc/react";
import { ActionMessages, useActionOutcome } from "../../src/ui/action-outcome";
import { QueryState } from "../../src/ui/query-state";
import { RevokeSessionButton } from "../dashboard/revoke-session-button";
import { SessionSummary } from "../dashboard/session-summary";

export function UserSessions({
  user,
  onClose,
}: {
  user: { id: string; email: string };
  /** Called on Close; the caller gives the keyboard back to what opened the panel. */
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // The heading takes the keyboard when the panel opens (below the table, far from the Sessions
  // button pressed; the caller keys the panel by user, so each opens anew) and after a
  // revocation (whose button goes with its row).
  const outcome = useActionOutcome({ focusOnMount: true });
  const sessions = useQuery(trpc.admin.sessions.queryOptions({ userId: user.id }));
  const handlers = (done: string) => ({
    onMutate: outcome.begin,
    onSuccess: () => {
      outcome.succeeded(done);
      return queryClient.invalidateQueries({ queryKey: trpc.admin.pathKey() });
    },
    onError: outcome.failed,
  });
  const revoke = useMutation(
    trpc.admin.revokeSession.mutationOptions(
      handlers("Session revoked: that device is signed out."),
    ),
  );
  const revokeAll = useMutation(
    trpc.admin.revokeSessions.mutationOptions(handlers(`Every session of ${user.email} revoked.`)),
  );

  return (
    <section className="card" aria-labelledby="user-sessions">
      <div className="card-header">
        <h2 id="user-sessions" tabIndex={-1} ref={outcome.focusRef}>
          Sessions of {user.email}
        </h2>
        <button type="button" className="secondary" onClick={onClose}>
          Close
        </button>
      </div>
      <ActionMessages error={outcome.error} status={outcome.status} />
      <QueryState query={sessions} what="Sessions" loading="Loading sessions…" />
      {sessions.data && sessions.data.length === 0 && <p className="muted">No live sessions.</p>}
      {sessions.data && sessions.data.length > 0 && (
        <ul className="rows" data-testid="user-sessions">
          {sessions.data.map((session) => (
            <li key={session.id} data-current={session.current}>
              <SessionSummary
                session={session}
                badge={session.current && <span className="badge">This device</span>}
              />
              {/* Ending this one is signing out: the dashboard's Sign out does that. */}
              {!session.current && (
                <RevokeSessionButton
                  session={session}
                  busy={revoke.isPending}
                  onRevoke={() => revoke.mutate({ sessionId: session.id })}
                />
              )}
            </li>
          ))}
        </ul>
      )}
      <div className="actions">
        <BusyButton
          className="danger"
          busy={revokeAll.isPending}
          onClick={() => revokeAll.mutate({ userId: user.id })}
        >
          Revoke all
        </BusyButton>
      </div>
    </section>
  );
}
