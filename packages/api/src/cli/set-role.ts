// `pnpm auth set-role`: make an account an admin, or a plain user again.
import type { Role } from "@kit/db";
import type { ServerEnv } from "../env";
import { emailInput } from "../input";
import { setAccountRole } from "../services/account-role";
import { withDatabase } from "./database";
import { CliError, usageError } from "./errors";
import type { CliIo } from "./io";

const ROLE_NAMES: readonly Role[] = ["user", "admin"];

export async function setUserRole(
  env: ServerEnv,
  io: CliIo,
  rawEmail: string,
  rawRole: string | undefined,
): Promise<void> {
  const email = emailInput.safeParse(rawEmail);
  if (!email.success) throw usageError(`--email: ${email.error.issues[0]?.message}`);
  const role = ROLE_NAMES.find((name) => name === rawRole);
  if (!role) {
    const given = rawRole === undefined ? "" : ` (not ${JSON.stringify(rawRole)})`;
    throw usageError(`set-role needs --role admin or --role user${given}`);
  }
  const change = await withDatabase(env, io, (prisma) =>
    setAccountRole(prisma, email.data, role, Date.now()),
  );
  if (!change) throw new CliError("USER_NOT_FOUND", `no account with email ${email.data}`);
  if (!change.changed) io.out(`${email.data} already has the role ${role}; nothing changed`);
  // adminProcedure reads the role on every call: no session needs to end for this to count.
  else io.out(`${email.data} now has the role ${role}, from its next call on`);
}
