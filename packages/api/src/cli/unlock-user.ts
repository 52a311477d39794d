// `pnpm auth unlock-user`: clears an account's sign-in limits, so a user locked out by failed
// attempts signs in again now rather than when the lock runs out.

import type { ServerEnv } from "../env";
import { emailInput } from "../input";
import { clearAccountLimits, storeName } from "../rate-limit";
import { unlockAccount } from "../services/account-unlock";
import { withDatabase } from "./database";
import { CliError, usageError } from "./errors";
import type { CliIo } from "./io";

export async function unlockUser(env: ServerEnv, io: CliIo, rawEmail: string): Promise<void> {
  const email = emailInput.safeParse(rawEmail);
  if (!email.success) throw usageError(`--email: ${email.error.issues[0]?.message}`);
  // Where the servers count: Redis when they are given one, else this database's table. The
  // command cannot see which the servers use: it says where it looked.
  const redis = env.redisUrl ? ({ kind: "redis", url: env.redisUrl } as const) : null;
  const where = redis
    ? `in ${storeName(redis)}`
    : "in the database (REDIS_URL unset: for servers counting in Redis, run this with their REDIS_URL)";
  const unlock = await withDatabase(env, io, (prisma, url) => {
    const store = redis ?? ({ kind: "postgres", url } as const);
    return unlockAccount(
      prisma,
      { email: email.data },
      (account) => clearAccountLimits(store, account),
      Date.now(),
    );
  });
  if (unlock === null) throw new CliError("USER_NOT_FOUND", `no account with email ${email.data}`);
  // Counts, not locks: a count may hold no failure (a success leaves its row at 0), and the
  // client's own cap is not the account's to lift.
  const { cleared } = unlock;
  io.out(
    cleared === 0
      ? `${email.data} had no sign-in counts to clear ${where}`
      : `cleared ${cleared} sign-in count(s) of ${email.data} ${where}: its failed sign-ins are forgotten and its locks lifted`,
  );
}
