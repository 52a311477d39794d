// Which account an operator or an admin acts on, and who acted, as the audit row records it:
// shared by the account changes both the command line and the admin router make, so that the
// two paths write the same columns.

/** The account, by its email (the command line) or its id (the admin router). */
export type AccountRef = { email: string } | { id: string };

/** Who made the change, for the audit row. */
export type AccountActor =
  | { kind: "cli" }
  | { kind: "admin"; adminId: string; clientIp: string | null; userAgent: string | null };

/** The audit row's columns for `actor`: an admin by id and client, the command line by name. */
export function actorColumns(actor: AccountActor): {
  actorId: string | null;
  ip: string | null;
  userAgent: string | null;
} {
  return actor.kind === "admin"
    ? { actorId: actor.adminId, ip: actor.clientIp, userAgent: actor.userAgent }
    : { actorId: null, ip: null, userAgent: "kit-cli" };
}
