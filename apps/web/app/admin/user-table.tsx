"use client";
// Every account, newest first, with a search by email: deactivate, reactivate, unlock sign-in,
// show sessions.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { flushSync } from "react-dom";
import { errorMessage } from "../../src/auth/error-message";
import { BusyButton } from "../../src/forms/busy-button";
import { useTRPC } from "../../src/trpc/react";
import { QueryState } from "../../src/ui/query-state";
import { formatTime } from "../dashboard/format";
import { ActivationButtons } from "./activation-buttons";
import { UserSessions } from "./user-sessions";

export function UserTable({ currentUserId }: { currentUserId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [search, setSearch] = useState("");
  const [selected, setSelected] = useState<{ id: string; email: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // The account whose Deactivate was pressed once: it ends every session of theirs at once, so
  // it asks to be pressed again (in the row, not a browser dialog, which a page can be barred from).
  const [confirming, setConfirming] = useState<string | null>(null);
  const users = useQuery(trpc.admin.users.queryOptions({ limit: 50, email: search || null }));
  const table = useRef<HTMLTableElement>(null);
  const noticeRef = useRef<HTMLParagraphElement>(null);

  /** Puts the keyboard on a row's button once the row shows it (`data-action` and the user). */
  const focusButton = (action: string, userId: string) =>
    table.current
      ?.querySelector<HTMLButtonElement>(`button[data-action="${action}"][data-user="${userId}"]`)
      ?.focus();
  /** Shows `text` as the notice and gives it the keyboard, when the button pressed goes away. */
  const announce = (text: string) => {
    flushSync(() => setNotice(text));
    noticeRef.current?.focus();
  };
  const keepActive = (userId: string) => {
    flushSync(() => setConfirming(null));
    focusButton("deactivate", userId);
  };

  const reload = () => queryClient.invalidateQueries({ queryKey: trpc.admin.pathKey() });
  const handlers = {
    onMutate: () => {
      setError(null);
      setNotice(null);
    },
    onSuccess: reload,
    onError: (failure: unknown) => setError(errorMessage(failure)),
  };
  const deactivate = useMutation(trpc.admin.deactivateUser.mutationOptions(handlers));
  const reactivate = useMutation(trpc.admin.reactivateUser.mutationOptions(handlers));
  const unlock = useMutation(trpc.admin.unlockUser.mutationOptions(handlers));
  const busy = deactivate.isPending || reactivate.isPending || unlock.isPending;
  const unlockUser = (user: { id: string; email: string }) =>
    unlock.mutate(
      { userId: user.id },
      {
        onSuccess: ({ cleared }) =>
          setNotice(
            cleared > 0
              ? `${user.email}: failed sign-ins forgotten, locks lifted.`
              : `${user.email} had no failed sign-ins to forget.`,
          ),
      },
    );

  // Each changes the row's buttons (Deactivate for Reactivate, and back): the notice takes the
  // keyboard from the one pressed.
  const deactivateUser = (user: { id: string; email: string }) => {
    deactivate.mutate(
      { userId: user.id },
      {
        onSuccess: () => {
          setConfirming(null);
          announce(`${user.email} deactivated: every session of theirs ended.`);
        },
      },
    );
  };
  const reactivateUser = (user: { id: string; email: string }) =>
    reactivate.mutate(
      { userId: user.id },
      { onSuccess: () => announce(`${user.email} reactivated: they may sign in again.`) },
    );
  const closeSessions = () => {
    const userId = selected?.id;
    flushSync(() => setSelected(null));
    if (userId) focusButton("sessions", userId);
  };

  return (
    <>
      <section className="card" aria-labelledby="users">
        <div className="card-header">
          <h2 id="users">Users</h2>
          <input
            type="search"
            aria-label="Search by email"
            placeholder="Search by email"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
          />
        </div>
        {error && (
          <p className="alert" role="alert">
            {error}
          </p>
        )}
        {/* In the page from the start: a live region added with its text is often not read. */}
        <div role="status">
          {notice && (
            <p className="notice" data-testid="admin-notice" tabIndex={-1} ref={noticeRef}>
              {notice}
            </p>
          )}
        </div>
        <QueryState query={users} what="Users" loading="Loading users…" />
        {/* The table scrolls on its own on a narrow screen, instead of widening the page. */}
        {users.data && (
          <div className="scroll-x">
            <table className="grid" data-testid="users" ref={table}>
              <thead>
                <tr>
                  <th>Email</th>
                  <th>Name</th>
                  <th>Role</th>
                  <th>Active</th>
                  <th>Created</th>
                  <th>
                    <span className="muted">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {/* Each button named for its row (the visible word first), as the sessions'
                    Revoke buttons are: a screen reader tabbing through them tells them apart. */}
                {users.data.items.map((user) => (
                  <tr key={user.id} data-testid="user-row" data-email={user.email}>
                    <td>{user.email}</td>
                    <td>{user.name ?? <span className="muted">—</span>}</td>
                    <td>{user.role}</td>
                    <td data-testid="user-active">{user.isActive ? "yes" : "no"}</td>
                    <td>{formatTime(user.createdAt)}</td>
                    <td className="actions">
                      <button
                        type="button"
                        className="secondary"
                        data-action="sessions"
                        data-user={user.id}
                        aria-label={`Sessions: ${user.email}`}
                        onClick={() => setSelected({ id: user.id, email: user.email })}
                      >
                        Sessions
                      </button>
                      <BusyButton
                        className="secondary"
                        busy={busy}
                        title="Forget this account's failed sign-ins and lift its lock-outs"
                        aria-label={`Unlock sign-in: ${user.email}`}
                        onClick={() => unlockUser({ id: user.id, email: user.email })}
                      >
                        Unlock sign-in
                      </BusyButton>
                      {/* No deactivating oneself: the page would end with it. */}
                      {(user.id !== currentUserId || !user.isActive) && (
                        <ActivationButtons
                          user={user}
                          confirming={confirming === user.id}
                          busy={busy}
                          deactivating={deactivate.isPending}
                          onAsk={() => setConfirming(user.id)}
                          onDeactivate={() => deactivateUser(user)}
                          onKeep={() => keepActive(user.id)}
                          onReactivate={() => reactivateUser(user)}
                        />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {users.data && users.data.items.length === 0 && (
          <p className="muted" role="status">
            {search ? `No account's email contains “${search}”.` : "No accounts yet."}
          </p>
        )}
        {users.data?.nextCursor && (
          <p className="muted">Showing the newest 50: search by email to find others.</p>
        )}
      </section>
      {selected && <UserSessions key={selected.id} user={selected} onClose={closeSessions} />}
    </>
  );
}
