// The news the session-change triggers send (prisma/migrations/*_session_change_notify): which
// channel, and what a payload names.

/** The channel the triggers on `sessions` and `users` notify on. */
export const SESSION_CHANGE_CHANNEL = "kit_session_change";

/**
 * What changed: one session, one user (and so every session of theirs), or anything at all (a
 * table was truncated, or a payload this version does not understand).
 */
export type SessionChange =
  | { kind: "session"; id: string }
  | { kind: "user"; id: string }
  | { kind: "all" };

/** Reads a payload (`s:<id>`, `u:<id>`, `*`); anything else is taken as "all", the safe side. */
export function parseSessionChange(payload: string): SessionChange {
  const id = payload.slice(2);
  if (id !== "" && payload.startsWith("s:")) return { kind: "session", id };
  if (id !== "" && payload.startsWith("u:")) return { kind: "user", id };
  return { kind: "all" };
}
