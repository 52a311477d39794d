// The audit trail: one row per auth event, with who, which session and from where. Never a
// password or a token: callers pass ids and the client's address, nothing they were sent.
import type { PrismaClient } from "@kit/db";
import type { AppDeps } from "./deps";

/** Every type of event the audit trail records (admin.events filters by these). */
export const AUTH_EVENT_TYPES = [
  "login_succeeded",
  "login_failed",
  "registered",
  "refreshed",
  "reuse_detected",
  "logged_out",
  "session_revoked",
  "logged_out_all",
  "password_changed",
  "password_change_failed",
  "rate_limited",
  "refresh_replayed",
  // Written by the operator's command line (`pnpm auth`), not by a request.
  "user_created",
  "user_deactivated",
  "user_reactivated",
  "role_set_admin",
  "role_set_user",
  "user_unlocked",
  // Written at start-up, for each session of a demo account a server refused (seed.ts).
  "demo_session_ended",
  // Written by the admin router: `userId` is the account acted on, `actorId` the admin.
  "admin_deactivated_user",
  "admin_reactivated_user",
  "admin_revoked_session",
  "admin_revoked_sessions",
  "admin_unlocked_user",
  // Written before roles were recorded by name: a role change to either.
  "role_changed",
] as const;

export type AuthEventType = (typeof AUTH_EVENT_TYPES)[number];

export interface AuthEventInput {
  type: AuthEventType;
  userId?: string | null;
  sessionId?: string | null;
  /** The admin who acted on `userId`'s account; absent when the user acted themself. */
  actorId?: string | null;
  client: { clientIp: string | null; userAgent: string | null };
}

/**
 * Writes one event; `db` is a transaction's client when the event must commit with the change it
 * records (a revocation without its row, or a row without its revocation, tells a wrong story).
 */
export async function recordEvent(
  deps: Pick<AppDeps, "prisma" | "now">,
  event: AuthEventInput,
  db: Pick<PrismaClient, "authEvent"> = deps.prisma,
): Promise<void> {
  await db.authEvent.create({
    data: {
      type: event.type,
      userId: event.userId ?? null,
      sessionId: event.sessionId ?? null,
      actorId: event.actorId ?? null,
      ip: event.client.clientIp,
      userAgent: event.client.userAgent,
      createdAt: new Date(deps.now()),
    },
  });
}
