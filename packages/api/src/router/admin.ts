// The admin router: every account's status, sessions and audit trail. adminProcedure only.
import { clientOf } from "../client-info";
import { AppError } from "../errors";
import { adminEventsInput, adminSessionIdInput, adminUsersInput, userIdInput } from "../input";
import { setAccountActive } from "../services/account-status";
import { unlockAccount } from "../services/account-unlock";
import { searchEvents } from "../services/events";
import { listSessions, revokeAllSessions, revokeSession } from "../services/sessions";
import { listUsers, userExists } from "../services/user-list";
import { adminProcedure, router } from "../trpc";
import { sessionJson } from "./session-json";

const accountNotFound = () => new AppError("ACCOUNT_NOT_FOUND", "NOT_FOUND", "No such account.");

export const adminRouter = router({
  /** Accounts, newest first, in pages; `email` narrows to emails containing it. */
  users: adminProcedure
    .input(adminUsersInput)
    .query(({ ctx, input }) => listUsers(ctx.deps, input)),

  /**
   * Refuses the account's sign-ins and ends all its sessions at once: one transaction with the
   * audit row, then this server's cache; the users trigger tells the other servers.
   */
  deactivateUser: adminProcedure.input(userIdInput).mutation(async ({ ctx, input }) => {
    if (input.userId === ctx.user.id) {
      throw new AppError("SELF_DEACTIVATION", "CONFLICT", "You cannot deactivate yourself.");
    }
    const change = await setAccountActive(
      ctx.deps.prisma,
      { id: input.userId },
      false,
      ctx.deps.now(),
      { kind: "admin", adminId: ctx.user.id, ...clientOf(ctx) },
    );
    if (!change) throw accountNotFound();
    // After the commit: the next call here is refused without waiting for the notification.
    ctx.deps.sessionCache?.invalidateUser(input.userId);
    return { changed: change.changed, revokedSessions: change.revokedSessions };
  }),

  /** Lets a deactivated account sign in again (its old sessions stay ended). */
  reactivateUser: adminProcedure.input(userIdInput).mutation(async ({ ctx, input }) => {
    const change = await setAccountActive(
      ctx.deps.prisma,
      { id: input.userId },
      true,
      ctx.deps.now(),
      { kind: "admin", adminId: ctx.user.id, ...clientOf(ctx) },
    );
    if (!change) throw accountNotFound();
    return { changed: change.changed };
  }),

  /**
   * An account's live sessions, most recently used first; `current` marks the one this call
   * came from (an admin looking at their own account), whose revocation signs them out.
   */
  sessions: adminProcedure.input(userIdInput).query(async ({ ctx, input }) => {
    if (!(await userExists(ctx.deps, input.userId))) throw accountNotFound();
    const sessions = await listSessions(ctx.deps, input.userId);
    return sessions.map((session) => sessionJson(session, ctx.session.id));
  }),

  /** Ends one live session of anyone's; an unknown or ended one is SESSION_NOT_FOUND. */
  revokeSession: adminProcedure.input(adminSessionIdInput).mutation(async ({ ctx, input }) => {
    const session = await ctx.deps.prisma.session.findUnique({
      where: { id: input.sessionId },
      select: { userId: true },
    });
    const revoked =
      session !== null &&
      (await revokeSession(
        ctx.deps,
        { sessionId: input.sessionId, userId: session.userId },
        "admin_revoked",
        {
          type: "admin_revoked_session",
          userId: session.userId,
          sessionId: input.sessionId,
          actorId: ctx.user.id,
          client: clientOf(ctx),
        },
      ));
    if (!session || !revoked) {
      throw new AppError("SESSION_NOT_FOUND", "NOT_FOUND", "No such session.");
    }
    return { ok: true as const };
  }),

  /** Ends every live session of an account (the admin's own, if it is theirs). */
  revokeSessions: adminProcedure.input(userIdInput).mutation(async ({ ctx, input }) => {
    if (!(await userExists(ctx.deps, input.userId))) throw accountNotFound();
    const revoked = await revokeAllSessions(ctx.deps, input.userId, "admin_revoked", {
      event: {
        type: "admin_revoked_sessions",
        userId: input.userId,
        actorId: ctx.user.id,
        client: clientOf(ctx),
      },
    });
    return { ok: true as const, revoked };
  }),

  /**
   * Clears an account's sign-in limits: its failed-login counts and locks from every client and
   * device, in the limiter's store, so every server lets it try again now (`pnpm auth
   * unlock-user` from the command line). The per-client caps stay.
   */
  unlockUser: adminProcedure.input(userIdInput).mutation(async ({ ctx, input }) => {
    const unlock = await unlockAccount(
      ctx.deps.prisma,
      { id: input.userId },
      ctx.deps.limiter.clearAccount,
      ctx.deps.now(),
      { kind: "admin", adminId: ctx.user.id, ...clientOf(ctx) },
    );
    if (!unlock) throw accountNotFound();
    return { cleared: unlock.cleared };
  }),

  /** The audit trail across accounts, newest first, by user, type and time range. */
  events: adminProcedure
    .input(adminEventsInput)
    .query(({ ctx, input }) => searchEvents(ctx.deps, input)),
});
