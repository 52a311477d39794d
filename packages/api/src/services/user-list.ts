// Listing accounts for the admin router: newest first, in keyset pages, optionally by email.
import type { Role } from "@kit/db";
import type { AppDeps } from "../deps";
import { formatUserCursor, type UserCursor } from "../user-cursor";

export interface UserPage {
  items: {
    id: string;
    email: string;
    name: string | null;
    role: Role;
    isActive: boolean;
    createdAt: string;
  }[];
  /** Pass back as `cursor` for the next (older) page; null at the end. */
  nextCursor: string | null;
}

function afterCursor({ createdAt, id }: UserCursor) {
  return { OR: [{ createdAt: { lt: createdAt } }, { createdAt, id: { lt: id } }] };
}

/**
 * One page of accounts, newest first (ties by id). `cursor` is the previous page's `nextCursor`
 * (user-cursor.ts); `email` keeps accounts whose email contains it (emails are stored lower-cased).
 */
export async function listUsers(
  deps: AppDeps,
  page: { limit: number; cursor?: UserCursor | null; email?: string | null },
): Promise<UserPage> {
  const rows = await deps.prisma.user.findMany({
    where: {
      // Prisma hands `contains` to LIKE as it is: % and _ would be wildcards ("%" finds everyone).
      ...(page.email ? { email: { contains: page.email.replace(/[\\%_]/g, "\\$&") } } : {}),
      ...(page.cursor ? afterCursor(page.cursor) : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: page.limit + 1,
    select: { id: true, email: true, name: true, role: true, isActive: true, createdAt: true },
  });
  const shown = rows.slice(0, page.limit);
  const last = shown.at(-1);
  return {
    items: shown.map((row) => ({ ...row, createdAt: row.createdAt.toISOString() })),
    nextCursor: rows.length > page.limit && last ? formatUserCursor(last) : null,
  };
}

/** Whether an account with this id exists. */
export async function userExists(deps: AppDeps, id: string): Promise<boolean> {
  return (await deps.prisma.user.count({ where: { id } })) === 1;
}
