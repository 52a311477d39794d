// A session a password change replaced, answered for by the one that replaced it, for the device
// that made the change and only for the moments after it. In one browser, a refresh of the old
// session sent by one tab just before another tab changed the password can be answered after the
// change: its cookie (the old session's next token) then overwrites the new session's, and the
// browser is left holding a token of an ended session while its new session lives on, out of
// reach. Its next refresh or page load, within the grace window, finds the new session here.
import { isAuthError, type RefreshClaims } from "@kit/auth";
import { type SessionRotation, sessionRotationSelect } from "@kit/db";
import { rotationNow } from "../database-clock";
import type { AppDeps } from "../deps";
import { SessionEnded } from "../errors";
import { deviceFingerprint, inWindow, withinGrace } from "./grace";
import { type LiveSession, loadLiveSession } from "./live-session";

/**
 * The live session that replaced the ended one `claims` name (`ended`, as loadLiveSession threw
 * it), when all of this holds; else null, and the refusal stands:
 * - a password change ended it, within the grace window (AUTH_REFRESH_REUSE_GRACE) before now;
 * - the change was made from the device that presents the token (`deviceId`, its marker's id for
 *   this user: an address or a user agent is not enough), and opened that session in its place;
 * - the token is the ended session's last (or one the same device retired within the window):
 *   an older copy, a thief's, gets nothing;
 * - the new session is itself live.
 * One read of the ended session's row, and only on this refusal.
 */
export async function replacingSession(
  deps: AppDeps,
  claims: RefreshClaims,
  deviceId: string | null,
  ended: SessionEnded,
): Promise<LiveSession<SessionRotation> | null> {
  const graceMs = deps.sessions.refreshReuseGraceMs;
  if (!deviceId || !inWindow(ended.endedAt.getTime(), deps.now(), graceMs)) return null;
  const old = await deps.prisma.session.findUnique({
    where: { id: claims.sid },
    select: {
      ...sessionRotationSelect,
      userId: true,
      revokedReason: true,
      replacedBy: true,
      replacedFor: true,
    },
  });
  const fingerprint = deviceFingerprint(deviceId);
  if (
    !old?.replacedBy ||
    old.userId !== claims.sub ||
    old.revokedReason !== "password_changed" ||
    old.replacedFor !== fingerprint
  ) {
    return null;
  }
  const last =
    old.refreshJti === claims.jti ||
    withinGrace(old, claims.jti, rotationNow(deps), graceMs, fingerprint);
  if (!last) return null;
  try {
    return await loadLiveSession(
      deps,
      { sub: claims.sub, sid: old.replacedBy },
      { for: "rotation" },
    );
  } catch (error) {
    // Ended too, or its user gone: the refusal of the session presented is the answer.
    if (isAuthError(error)) return null;
    throw error;
  }
}

/**
 * loadLiveSession for rotation, or, for a session ended a moment ago by a password change from
 * this device (`deviceId`), the session that replaced it (`replaced: true`, see replacingSession).
 * Refresh and server rendering both read the presented token's session through this.
 */
export async function liveOrReplacing(
  deps: AppDeps,
  claims: RefreshClaims,
  deviceId: string | null,
): Promise<LiveSession<SessionRotation> & { replaced: boolean }> {
  try {
    return { ...(await loadLiveSession(deps, claims, { for: "rotation" })), replaced: false };
  } catch (error) {
    if (!(error instanceof SessionEnded)) throw error;
    const replacing = await replacingSession(deps, claims, deviceId, error);
    if (!replacing) throw error;
    return { ...replacing, replaced: true };
  }
}
