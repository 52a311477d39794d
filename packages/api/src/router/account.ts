// The account router: a signed-in user's own sessions, password and activity.
import { clientOf } from "../client-info";
import { assertCookieCallOrigin, deliverPair } from "../cookie-mode/token-delivery";
import { presentedDevice } from "../device-marker";
import { AppError } from "../errors";
import { changePasswordInput, eventsInput, sessionIdInput } from "../input";
import { changePassword } from "../services/accounts";
import { listEvents } from "../services/events";
import { listSessions, revokeAllSessions, revokeSession } from "../services/sessions";
import { protectedProcedure, router } from "../trpc";
import { isUuid } from "../uuid";
import { sessionJson } from "./session-json";

export const accountRouter = router({
  /** The caller's live sessions, most recently used first; `current` marks this one. */
  sessions: protectedProcedure.query(async ({ ctx }) => {
    const sessions = await listSessions(ctx.deps, ctx.user.id);
    return sessions.map((session) => sessionJson(session, ctx.session.id));
  }),

  /** Ends one of the caller's own sessions. Any other id is NOT_FOUND, with no hint it exists. */
  revokeSession: protectedProcedure.input(sessionIdInput).mutation(async ({ ctx, input }) => {
    const target = { sessionId: input.id, userId: ctx.user.id };
    const revoked =
      isUuid(input.id) &&
      (await revokeSession(ctx.deps, target, "revoked", {
        type: "session_revoked",
        userId: ctx.user.id,
        sessionId: input.id,
        client: clientOf(ctx),
      }));
    if (!revoked) throw new AppError("SESSION_NOT_FOUND", "NOT_FOUND", "No such session.");
    return { ok: true as const };
  }),

  /** Ends every session of the caller, this one included. */
  logoutAll: protectedProcedure.mutation(async ({ ctx }) => {
    const revoked = await revokeAllSessions(ctx.deps, ctx.user.id, "logout_all", {
      event: {
        type: "logged_out_all",
        userId: ctx.user.id,
        sessionId: ctx.session.id,
        client: clientOf(ctx),
      },
    });
    return { ok: true as const, revoked };
  }),

  /**
   * Needs the current password. Every session ends, this one too, and this device gets a fresh
   * one in the answer (or its cookie): whoever shared the old session, a thief holding a copy of
   * its refresh token above all, is cut off with the rest.
   */
  changePassword: protectedProcedure
    // The fresh session's refresh cookie, in cookie mode.
    .meta({ setsCookies: true })
    .input(changePasswordInput)
    .mutation(async ({ ctx, input }) => {
      assertCookieCallOrigin(ctx);
      const client = clientOf(ctx, presentedDevice(ctx, input));
      const pair = await changePassword(
        ctx.deps,
        ctx.user,
        { current: input.currentPassword, next: input.newPassword },
        client,
      );
      return { ok: true as const, ...deliverPair(ctx, pair, { handover: true }) };
    }),

  /** The caller's recent auth events, newest first. */
  events: protectedProcedure
    .input(eventsInput)
    .query(({ ctx, input }) => listEvents(ctx.deps, ctx.user.id, input)),
});
