"use client";
// My live sessions: this device marked, any other one revocable, or all of them at once.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { signOut } from "../../src/auth/session";
import { BusyButton } from "../../src/forms/busy-button";
import { retryWhileUnreachable } from "../../src/trpc/query-client";
import { useTRPC } from "../../src/trpc/react";
import { ActionMessages, useActionOutcome } from "../../src/ui/action-outcome";
import { QueryState } from "../../src/ui/query-state";
import { RevokeSessionButton } from "./revoke-session-button";
import { SessionSummary } from "./session-summary";

/**
 * How often a visible dashboard asks again (a hidden tab waits for its focus): a session ended
 * elsewhere (a revoke, a password change, an admin) leaves an unattended screen within this
 * long, instead of its names and devices staying up until someone clicks.
 */
const SESSION_CHECK_MS = 60_000;

export function SessionList() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const sessions = useQuery({
    ...trpc.account.sessions.queryOptions(),
    // Sooner while the last ask failed on the way, as every card does (query-client.ts).
    refetchInterval: (query) => retryWhileUnreachable(query) || SESSION_CHECK_MS,
  });
  const outcome = useActionOutcome();

  // Every query on the page, not only this list: what the page shows may follow from the
  // sessions (the overview counts them, the activity lists their ends).
  const reload = () => queryClient.invalidateQueries();
  const revoke = useMutation(
    trpc.account.revokeSession.mutationOptions({
      onMutate: outcome.begin,
      onSuccess: () => {
        outcome.succeeded("Session revoked: that device is signed out.");
        return reload();
      },
      onError: outcome.failed,
    }),
  );
  const logoutAll = useMutation(
    trpc.account.logoutAll.mutationOptions({
      // Every session ended, this one too: sign out here at once (tells the tabs), and clear the
      // dead cookie if the server can be reached.
      onSuccess: () => signOut({ alreadyEnded: true }),
      onError: outcome.failed,
    }),
  );

  return (
    <section className="card" aria-labelledby="sessions">
      <div className="card-header">
        <h2 id="sessions" ref={outcome.focusRef} tabIndex={-1}>
          Your sessions
        </h2>
        <button type="button" className="secondary" onClick={() => void reload()}>
          Reload
        </button>
      </div>
      <ActionMessages error={outcome.error} status={outcome.status} />
      <QueryState query={sessions} what="Your sessions" loading="Loading sessions…" />
      {sessions.data && (
        <ul className="rows" data-testid="sessions">
          {sessions.data.map((session) => (
            <li key={session.id} data-testid="session" data-current={session.current}>
              <SessionSummary
                session={session}
                badge={session.current && <span className="badge">This device</span>}
              />
              {!session.current && (
                <RevokeSessionButton
                  session={session}
                  busy={revoke.isPending}
                  onRevoke={() => revoke.mutate({ id: session.id })}
                />
              )}
            </li>
          ))}
        </ul>
      )}
      <div className="actions">
        <BusyButton
          className="danger"
          busy={logoutAll.isPending}
          onClick={() => logoutAll.mutate()}
        >
          Sign out everywhere
        </BusyButton>
      </div>
    </section>
  );
}
