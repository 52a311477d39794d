"use client";
// One account's live sessions, as an admin sees them: revoke one, or all at once.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { errorMessage } from "../../src/auth/error-message";
import { useTRPC } from "../../src/trpc/react";
import { RevokeSessionButton } from "../dashboard/revoke-session-button";
import { SessionSummary } from "../dashboard/session-summary";

export function UserSessions({
  user,
  onClose,
}: {
  user: { id: string; email: string };
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const sessions = useQuery(trpc.admin.sessions.queryOptions({ userId: user.id }));
  const handlers = {
    onMutate: () => setError(null),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.admin.pathKey() }),
    onError: (failure: unknown) => setError(errorMessage(failure)),
  };
  const revoke = useMutation(trpc.admin.revokeSession.mutationOptions(handlers));
  const revokeAll = useMutation(trpc.admin.revokeSessions.mutationOptions(handlers));

  return (
    <section className="card" aria-labelledby="user-sessions">
      <div className="card-header">
        <h2 id="user-sessions">Sessions of {user.email}</h2>
        <button type="button" className="secondary" onClick={onClose}>
          Close
        </button>
      </div>
      {error && (
        <p className="alert" role="alert">
          {error}
        </p>
      )}
      {sessions.isPending && <p className="muted">Loading sessions…</p>}
      {sessions.isError && <p className="alert">{errorMessage(sessions.error)}</p>}
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
                  disabled={revoke.isPending}
                  onRevoke={() => revoke.mutate({ sessionId: session.id })}
                />
              )}
            </li>
          ))}
        </ul>
      )}
      <div className="actions">
        <button
          type="button"
          className="danger"
          disabled={revokeAll.isPending}
          onClick={() => revokeAll.mutate({ userId: user.id })}
        >
          Revoke all
        </button>
      </div>
    </section>
  );
}
