// Reading the audit trail: a user's own events, newest first, in keyset pages.
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
    select: { id: true, type: true, createdAt: true, sessionId: true, ip: true, userAgent: true },
  });
  const items = rows.slice(0, page.limit).map((row) => ({
    ...row,
    // BigInt and Date have no JSON form of their own: strings keep the wire and the types equal.
    id: row.id.toString(),
    createdAt: row.createdAt.toISOString(),
  }));
  const last = items.at(-1);
  return { items, nextCursor: rows.length > page.limit && last ? last.id : null };
}
