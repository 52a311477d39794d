// Accounts: registration and credential checks, with the same work whether or not the email exists.
import {
  AuthError,
  checkPasswordPolicy,
  hashPassword,
  isAuthError,
  needsRehash,
  normalizePassword,
  verifyAgainstDummy,
  verifyPassword,
  verifyPasswordForm,
} from "@kit/auth";
import {
  isUniqueViolation,
  type PrismaClient,
  userCredentialsSelect,
  userPublicSelect,
} from "@kit/db";
import { recordEvent } from "../audit";
import type { CallingUser } from "../authentication/principal";
import type { ClientInfo } from "../client-info";
import type { AppDeps } from "../deps";
import { deviceOf } from "../device-marker";
import { AppError } from "../errors";
import type { LoginAttempt } from "../rate-limit";
import { charged } from "./charged";
import { type OpenedSession, openSession } from "./sessions";

export interface NewAccount {
  email: string;
  password: string;
  name: string | null;
}

/**
 * `auth.register`: the account and its first session (with the `registered` event) in one
 * transaction, so that a crash or a lost database leaves either both or neither: never an
 * account that was created but never answered for. The password is hashed before it begins.
 */
export async function registerAndOpen(
  deps: AppDeps,
  input: NewAccount,
  client: ClientInfo,
): Promise<{ user: CallingUser; pair: OpenedSession }> {
  await checkPasswordPolicy(input.password, { email: input.email });
  const passwordHash = await hashPassword(input.password, { queue: deps.passwordQueue });
  return deps.prisma.$transaction(async (tx) => {
    const user = await createUser(tx, input, passwordHash);
    const pair = await openSession(deps, user, passwordHash, client, "registered", tx);
    return { user, pair };
  });
}

async function createUser(
  db: Pick<PrismaClient, "user">,
  input: NewAccount,
  passwordHash: string,
): Promise<CallingUser> {
  try {
    return await db.user.create({
      data: { email: input.email, name: input.name, passwordHash },
      select: { ...userPublicSelect, role: true },
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

/** A user who gave the right password, and the hash it was checked against (see openSession). */
export interface CheckedUser {
  user: CallingUser;
  passwordHash: string;
}

/**
 * Checks an email and password, then runs `open` with the user and the hash the password was
 * checked against (a login opens its session there), and only then settles the attempt: the
 * answer is `open`'s. INVALID_CREDENTIALS for every other case, after the same argon2 work, so
 * neither the answer nor its timing tells which emails exist. `open` refusing INVALID_CREDENTIALS
 * (the account changed since the check: its password, or deactivated) is a failed login like
 * the others, counted and recorded; a password change racing a guess gives the guess nothing.
 * The attempt is charged to the rate limits before the password is checked: while limited even
 * the right password is refused, and concurrent attempts cannot outrun the count.
 *
 * @example
 * const { user, pair } = await signIn(deps, email, password, client, async (checked) => ({
 *   user: checked.user,
 *   pair: await openSession(deps, checked.user, checked.passwordHash, client, "login_succeeded"),
 * }));
 */
export async function signIn<T>(
  deps: AppDeps,
  email: string,
  password: string,
  client: ClientInfo,
  open: (checked: CheckedUser) => Promise<T>,
): Promise<T> {
  // The user first (one indexed read, done for every email alike), so that a device marker can
  // be matched to the account: a device that signed in here before keeps its own budget when
  // others have spent the account's.
  const user = await deps.prisma.user.findUnique({
    where: { email },
    select: userCredentialsSelect,
  });
  const device = user ? deviceOf(client.device, user.id) : null;
  const attempt = await charged(deps, client, user?.id ?? null, () =>
    deps.limiter.beginLogin({ email, clientIp: client.clientIp, device }),
  );
  const refuse = async (): Promise<never> => {
    await attempt.failed();
    await recordEvent(deps, { type: "login_failed", userId: user?.id ?? null, client });
    throw new AuthError("INVALID_CREDENTIALS");
  };
  const match = await checkedOrWithdrawn(attempt, () => {
    const work = { queue: deps.passwordQueue };
    return user
      ? verifyPasswordForm(user.passwordHash, password, work)
      : verifyAgainstDummy(password, work).then(() => null);
  });
  const ok = match !== null;
  // A refused account fails like a wrong password, after the same work.
  const refused =
    (deps.refusedLogins?.has(email) ?? false) ||
    (deps.loopbackOnlyLogins?.has(email) === true && client.fromThisMachine !== true);
  if (!user || !ok || !user.isActive || refused) return refuse();
  const outcome = await rehashed(deps, user, password, match === "legacy")
    .then(open)
    .then(
      (value) => ({ done: true as const, value }),
      (error: unknown) => ({ done: false as const, error }),
    );
  if (!outcome.done && isAuthError(outcome.error) && outcome.error.code === "INVALID_CREDENTIALS") {
    return refuse();
  }
  // The password was right, whatever `open` then met (a database outage is no failed login).
  await attempt.succeeded();
  if (!outcome.done) throw outcome.error;
  return outcome.value;
}

/**
 * The checked user, with its hash upgraded when its parameters were raised since it was made,
 * or when it was made of the password as typed, before passwords were normalised (`legacy`).
 */
async function rehashed(
  deps: AppDeps,
  user: CallingUser & { passwordHash: string },
  password: string,
  legacy: boolean,
): Promise<CheckedUser> {
  if (legacy || needsRehash(user.passwordHash)) {
    // Upgrade it while we hold the password.
    // A busy queue leaves the old hash for a later login rather than fail this one.
    const upgraded = await hashPassword(password, { queue: deps.passwordQueue }).catch(
      (error: unknown) => {
        if (isAuthError(error) && error.code === "SERVER_BUSY") return null;
        throw error;
      },
    );
    // Only over the hash just checked: a password change committed meanwhile must not be undone
    // by writing the old password back in its new form.
    const { count } = upgraded
      ? await deps.prisma.user.updateMany({
          where: { id: user.id, passwordHash: user.passwordHash },
          data: { passwordHash: upgraded },
        })
      : { count: 0 };
    if (upgraded && count === 1) return { user: callingUser(user), passwordHash: upgraded };
  }
  return { user: callingUser(user), passwordHash: user.passwordHash };
}

const callingUser = (user: CallingUser): CallingUser => ({
  id: user.id,
  email: user.email,
  name: user.name,
  role: user.role,
});

/**
 * Runs the password check of a charged attempt. When no password got checked (the hashing
 * queue was full: SERVER_BUSY), the attempt is withdrawn, so a flood that the server turned away
 * counts against nobody's budget; the error goes on to the client (503).
 */
async function checkedOrWithdrawn<T>(attempt: LoginAttempt, check: () => Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (error) {
    if (isAuthError(error) && error.code === "SERVER_BUSY") await attempt.withdrawn();
    throw error;
  }
}

/**
 * Checks the current password (rate limited like a login), then, in one transaction, stores the
 * new one, ends every session of the account and opens this device's new one. The new hash is
 * written only over the one the current password was checked against: of two changes at once
 * (two tabs, a double submit) one wins and the other is refused (INVALID_CREDENTIALS, as its
 * "current" password no longer is), never both answered while one is silently lost.
 */
export async function changePassword(
  deps: AppDeps,
  user: CallingUser,
  passwords: { current: string; next: string },
  client: ClientInfo,
): Promise<OpenedSession> {
  // The new password first, as at registration: a weak one is said at once, whatever the
  // current one, without a hash's work or an attempt charged to the account.
  await checkPasswordPolicy(passwords.next, { email: user.email });
  // Both strings are the caller's own, so comparing them tells nobody anything: said before the
  // current one is checked, as the policy is. A change to the same password would end every
  // session while changing nothing (account.logoutAll does that, and says so).
  if (normalizePassword(passwords.next) === normalizePassword(passwords.current)) {
    throw new AppError(
      "PASSWORD_UNCHANGED",
      "BAD_REQUEST",
      "The new password must differ from the current one.",
    );
  }
  const attempt = await charged(deps, client, user.id, () =>
    deps.limiter.beginLogin({
      email: user.email,
      clientIp: client.clientIp,
      device: deviceOf(client.device, user.id),
    }),
  );
  const stored = await deps.prisma.user.findUnique({
    where: { id: user.id },
    select: userCredentialsSelect,
  });
  const work = { queue: deps.passwordQueue };
  const ok = await checkedOrWithdrawn(
    attempt,
    async () => !!stored && (await verifyPassword(stored.passwordHash, passwords.current, work)),
  );
  if (!stored || !ok) {
    await attempt.failed();
    // A wrong current password counts towards the sign-in lock like a failed login: recorded.
    await recordEvent(deps, { type: "password_change_failed", userId: user.id, client });
    throw new AuthError("INVALID_CREDENTIALS");
  }
  await attempt.succeeded();
  const passwordHash = await hashPassword(passwords.next, work);
  try {
    return await deps.prisma.$transaction(async (tx) => {
      const { count } = await tx.user.updateMany({
        where: { id: user.id, passwordHash: stored.passwordHash, isActive: true },
        data: { passwordHash },
      });
      if (count !== 1) throw new AuthError("INVALID_CREDENTIALS");
      await tx.session.updateMany({
        where: { userId: user.id, revokedAt: null },
        data: { revokedAt: new Date(deps.now()), revokedReason: "password_changed" },
      });
      return openSession(deps, user, passwordHash, client, "password_changed", tx);
    });
  } finally {
    // This server forgets the user's sessions now; the others hear it from the triggers.
    deps.sessionCache?.invalidateUser(user.id);
  }
}
