// Whether the caller may use admin procedures: asked of the database on every call, never of the
// token or the session cache, so a demotion or deactivation counts from the very next call.
import { AuthError } from "@kit/auth";
import type { AppDeps } from "../deps";
import { AppError } from "../errors";

/**
 * Throws unless the user's row, as it is now, is an active admin: USER_NOT_FOUND (401) when the
 * account is gone or deactivated, ADMIN_REQUIRED (403) when it is not an admin's.
 *
 * @example
 * await requireAdmin(ctx.deps, ctx.user.id);
 */
export async function requireAdmin(deps: AppDeps, userId: string): Promise<void> {
  const row = await deps.prisma.user.findUnique({
    where: { id: userId },
    select: { isActive: true, role: true },
  });
  assertActiveAdmin(row);
}

/** The same judgement of a row read some other way (under a lock, inside a transaction). */
export function assertActiveAdmin(row: { isActive: boolean; role: string } | null): void {
  if (!row?.isActive) throw new AuthError("USER_NOT_FOUND");
  if (row.role !== "admin") {
    throw new AppError("ADMIN_REQUIRED", "FORBIDDEN", "This needs an admin account.");
  }
}
