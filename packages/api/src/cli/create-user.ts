// `pnpm auth create-user`: an account made by the operator, under the same password policy.
import { checkPasswordPolicy, hashPassword, isAuthError } from "@kit/auth";
import { isUniqueViolation, userPublicSelect } from "@kit/db";
import type { ServerEnv } from "../env";
import { emailInput, nameInput } from "../input";
import { withDatabase } from "./database";
import { CliError, usageError } from "./errors";
import type { CliIo } from "./io";
import { readNewPassword, requirePasswordSource } from "./read-password";

export interface CreateUserArgs {
  email: string;
  name: string | undefined;
  admin: boolean;
  passwordStdin: boolean;
}

export async function createUser(env: ServerEnv, io: CliIo, args: CreateUserArgs): Promise<void> {
  const email = emailInput.safeParse(args.email);
  if (!email.success) throw usageError(`--email: ${email.error.issues[0]?.message}`);
  const name = nameInput.safeParse(args.name ?? "");
  if (!name.success) throw usageError(`--name: ${name.error.issues[0]?.message}`);
  // Before the database, which may take seconds to start: the command cannot succeed anyway.
  requirePasswordSource(io, args.passwordStdin);
  const taken = () =>
    new CliError("EMAIL_TAKEN", `an account with email ${email.data} already exists`);
  const user = await withDatabase(env, io, async (prisma) => {
    // Before the password is asked for: typed twice, then refused, wastes the operator's time.
    const existing = await prisma.user.findUnique({
      where: { email: email.data },
      select: { id: true },
    });
    if (existing) throw taken();
    const password = await readNewPassword(io, args.passwordStdin);
    try {
      await checkPasswordPolicy(password, { email: email.data });
    } catch (error) {
      if (isAuthError(error)) throw new CliError("WEAK_PASSWORD", error.message, { cause: error });
      throw error;
    }
    const passwordHash = await hashPassword(password);
    try {
      return await prisma.$transaction(async (tx) => {
        const created = await tx.user.create({
          data: {
            email: email.data,
            name: name.data,
            passwordHash,
            role: args.admin ? "admin" : "user",
          },
          select: userPublicSelect,
        });
        const recorded = { userId: created.id, ip: null, userAgent: "kit-cli" };
        await tx.authEvent.create({ data: { type: "user_created", ...recorded } });
        // The grant is an event of its own, as `set-role` records it: an audit of who holds
        // the admin role and since when must not have to read every account's creation.
        if (args.admin)
          await tx.authEvent.create({ data: { type: "role_set_admin", ...recorded } });
        return created;
      });
    } catch (error) {
      // Made by someone else since the check above.
      if (isUniqueViolation(error)) throw taken();
      throw error;
    }
  });
  io.out(`created ${args.admin ? "admin" : "user"} ${user.email} (id ${user.id})`);
}
