// `pnpm auth deactivate-user` / `reactivate-user`.
import type { ServerEnv } from "../env";
import { emailInput } from "../input";
import { setAccountActive } from "../services/account-status";
import { withDatabase } from "./database";
import { CliError, usageError } from "./errors";
import type { CliIo } from "./io";

export async function setUserActive(
  env: ServerEnv,
  io: CliIo,
  rawEmail: string,
  active: boolean,
): Promise<void> {
  const email = emailInput.safeParse(rawEmail);
  if (!email.success) throw usageError(`--email: ${email.error.issues[0]?.message}`);
  const change = await withDatabase(env, io, (prisma) =>
    setAccountActive(prisma, { email: email.data }, active, Date.now()),
  );
  if (!change) throw new CliError("USER_NOT_FOUND", `no account with email ${email.data}`);
  const state = active ? "active" : "inactive";
  if (!change.changed) {
    io.out(`${email.data} is already ${state}; nothing changed`);
  } else if (active) {
    io.out(`reactivated ${email.data}: they can sign in again`);
  } else {
    io.out(
      `deactivated ${email.data}: ${change.revokedSessions} session(s) revoked; running servers refuse them once PostgreSQL tells them (milliseconds)`,
    );
  }
}
