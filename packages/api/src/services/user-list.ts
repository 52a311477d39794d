// Listing accounts for the admin router: newest first, in keyset pages, optionally by email.
import type { Role } from "@kit/db";
import type { AppDeps } from "../deps";

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

/**
 * One page of accounts, newest first (ties by id). `cursor` is the last id of the previous page;
 * `email` keeps accounts whose email contains it (emails are stored lower-cased).
 */
export async function listUsers(
  deps: AppDeps,
  page: { limit: number; cursor?: string | null; email?: string | null },
): Promise<UserPage> {
  const rows = await deps.prisma.user.findMany({
    // Prisma hands `contains` to LIKE as it is: % and _ would be wildcards ("%" finds everyone).
    where: page.email ? { email: { contains: page.email.replace(/[\\%_]/g, "\\$&") } } : {},
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    // Prisma's cursor paging keeps the order above; skip the cursor row itself.
    ...(page.cursor ? { cursor: { id: page.cursor }, skip: 1 } : {}),
    take: page.limit + 1,
    select: { id: true, email: true, name: true, role: true, isActive: true, createdAt: true },
  });
  const items = rows
    .slice(0, page.limit)
    .map((row) => ({ ...row, createdAt: row.createdAt.toISOString() }));
  const last = items.at(-1);
  return { items, nextCursor: rows.length > page.limit && last ? last.id : null };
}

/** Whether an account with this id exists. */
export async function userExists(deps: AppDeps, id: string): Promise<boolean> {
  return (await deps.prisma.user.count({ where: { id } })) === 1;
}
