// Accounts: registration and credential checks, with the same work whether or not the email exists.
import {
  AuthError,
  checkPasswordPolicy,
  hashPassword,
  needsRehash,
  verifyAgainstDummy,
  verifyPassword,
} from "@kit/auth";
import { isUniqueViolation, userCredentialsSelect, userPublicSelect } from "@kit/db";
import type { AppDeps } from "../deps";
import { AppError } from "../errors";
import type { PrincipalUser } from "../principal";

export interface NewAccount {
  email: string;
  password: string;
  name: string | null;
}

export async function registerAccount(deps: AppDeps, input: NewAccount): Promise<PrincipalUser> {
  // Policy first: a refused password costs no hashing and no database work.
  checkPasswordPolicy(input.password);
  const passwordHash = await hashPassword(input.password);
  try {
    return await deps.prisma.user.create({
      data: { email: input.email, name: input.name, passwordHash },
      select: userPublicSelect,
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError("EMAIL_TAKEN", "CONFLICT", "An account with this email already exists.", {
        cause: error,
      });
    }
    throw error;
  }
}

/** Returns the user for a correct email and password; one error for every other case. */
export async function checkCredentials(
  deps: AppDeps,
  email: string,
  password: string,
): Promise<PrincipalUser> {
  const user = await deps.prisma.user.findUnique({
    where: { email },
    select: userCredentialsSelect,
  });
  if (!user) {
    // Same argon2 work as a real check, so timing does not tell which emails have accounts.
    await verifyAgainstDummy(password);
    throw new AuthError("INVALID_CREDENTIALS");
  }
  const ok = await verifyPassword(user.passwordHash, password);
  if (!ok || !user.isActive) throw new AuthError("INVALID_CREDENTIALS");
  if (needsRehash(user.passwordHash)) {
    // Parameters were raised since this hash was made: upgrade it while we hold the password.
    await deps.prisma.user.update({
      where: { id: user.id },
      data: { passwordHash: await hashPassword(password) },
    });
  }
  return { id: user.id, email: user.email, name: user.name };
}
