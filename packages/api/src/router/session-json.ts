// A live session as the API answers it, to its owner (account.sessions) and to admins
// (admin.sessions): times as ISO strings, since the wire has no transformer; `current` marks the
// session the call came from.
import type { listSessions } from "../services/sessions";

type ListedSession = Awaited<ReturnType<typeof listSessions>>[number];

export function sessionJson(session: ListedSession, callerSessionId: string) {
  return {
    id: session.id,
    createdAt: session.createdAt.toISOString(),
    lastUsedAt: session.lastUsedAt.toISOString(),
    userAgent: session.userAgent,
    ip: session.ip,
    current: session.id === callerSessionId,
  };
}
