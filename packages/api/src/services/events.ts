// Reading the audit trail: a user's own events, or (for admins) everyone's, newest first, in keyset pages.
import type { AppDeps } from "../deps";

export interface EventPage {
  items: {
    id: string;
    type: string;
    createdAt: string;
    sessionId: string | null;
    ip: string | null;
    userAgent: string | null;
  }[];
  /** Pass back as `cursor` for the next (older) page; null at the end. */
  nextCursor: string | null;
}

export async function listEvents(
  deps: AppDeps,
  userId: string,
  page: { limit: number; cursor?: string | null },
): Promise<EventPage> {
  const rows = await deps.prisma.authEvent.findMany({
    where: { userId, ...(page.cursor ? { id: { lt: BigInt(page.cursor) } } : {}) },
    orderBy: { id: "desc" },
    take: page.limit + 1,
    select: {
      id: true,
      type: true,
      createdAt: true,
      sessionId: true,
      actorId: true,
      ip: true,
      userAgent: true,
    },
  });
  const items = rows.slice(0, page.limit).map((row) => {
    // An admin's doing (an unlock, a deactivation, a revoked session): the address and browser
    // it came from are the admin's, not the user's to see.
    const byAdmin = row.actorId !== null && row.actorId !== userId;
    return {
      // BigInt and Date have no JSON form of their own: strings keep the wire and types equal.
      id: row.id.toString(),
      type: row.type,
      createdAt: row.createdAt.toISOString(),
      sessionId: row.sessionId,
      ip: byAdmin ? null : row.ip,
      userAgent: byAdmin ? null : row.userAgent,
    };
  });
  const last = items.at(-1);
  return { items, nextCursor: rows.length > page.limit && last ? last.id : null };
}

export interface AuditPage {
  items: (EventPage["items"][number] & {
    userId: string | null;
    actorId: string | null;
    /** The account's email now; null when there is no account or it was deleted. */
    userEmail: string | null;
    /** The acting admin's email now; null likewise. */
    actorEmail: string | null;
  })[];
  nextCursor: string | null;
}

/**
 * The audit trail across users (the admin router), newest first in keyset pages, narrowed by
 * the account acted on (`userId`), the admin who acted (`actorId`), event type and a time range
 * (`from` inclusive, `to` exclusive).
 */
export async function searchEvents(
  deps: AppDeps,
  query: {
    limit: number;
    cursor?: string | null;
    userId?: string | null;
    actorId?: string | null;
    type?: string | null;
    from?: Date | null;
    to?: Date | null;
  },
): Promise<AuditPage> {
  const createdAt = {
    ...(query.from ? { gte: query.from } : {}),
    ...(query.to ? { lt: query.to } : {}),
  };
  const rows = await deps.prisma.authEvent.findMany({
    where: {
      ...(query.userId ? { userId: query.userId } : {}),
      ...(query.actorId ? { actorId: query.actorId } : {}),
      ...(query.type ? { type: query.type } : {}),
      ...(query.from || query.to ? { createdAt } : {}),
      ...(query.cursor ? { id: { lt: BigInt(query.cursor) } } : {}),
    },
    orderBy: { id: "desc" },
    take: query.limit + 1,
    select: {
      id: true,
      type: true,
      userId: true,
      actorId: true,
      createdAt: true,
      sessionId: true,
      ip: true,
      userAgent: true,
    },
  });
  const page = rows.slice(0, query.limit);
  const emails = await emailsOf(
    deps,
    page.flatMap((row) => [row.userId, row.actorId]),
  );
  const items = page.map((row) => ({
    ...row,
    id: row.id.toString(),
    createdAt: row.createdAt.toISOString(),
    userEmail: (row.userId && emails.get(row.userId)) ?? null,
    actorEmail: (row.actorId && emails.get(row.actorId)) ?? null,
  }));
  const last = items.at(-1);
  return { items, nextCursor: rows.length > query.limit && last ? last.id : null };
}

/** The emails of the accounts a page names, in one read (an admin reads people, not UUIDs). */
async function emailsOf(deps: AppDeps, ids: (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (wanted.length === 0) return new Map();
  const users = await deps.prisma.user.findMany({
    where: { id: { in: wanted } },
    select: { id: true, email: true },
  });
  return new Map(users.map((user) => [user.id, user.email]));
}
