// Password hashing with argon2id: hash, verify, rehash check, and a dummy verify for unknown users.
import { hash as argon2Hash, verify as argon2Verify } from "@node-rs/argon2";
import { normalizePassword } from "./password-form";
import type { PasswordQueue } from "./password-queue";

/** Where the argon2 work runs: through `queue` when given (servers), else at once. */
export interface PasswordWork {
  queue?: PasswordQueue;
}

const runIn = <T>(work: PasswordWork, job: () => Promise<T>): Promise<T> =>
  work.queue ? work.queue.run(job) : job();

/**
 * OWASP's argon2id minimums (19 MiB, 2 passes, 1 lane). argon2id is @node-rs/argon2's default;
 * `algorithm` is left out because `Algorithm.Argon2id` is a const enum (TS2748 under isolatedModules).
 */
export const ARGON2_PARAMS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

// A hash made with exactly today's parameters: $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>.
const CURRENT_HASH = new RegExp(
  `^\\$argon2id\\$v=19\\$m=${ARGON2_PARAMS.memoryCost},t=${ARGON2_PARAMS.timeCost},p=${ARGON2_PARAMS.parallelism}\\$[A-Za-z0-9+/]+\\$[A-Za-z0-9+/]+$`,
);

/**
 * Hashes a password (normalised: normalizePassword) into a PHC string. Check the policy first:
 * see checkPasswordPolicy. Throws AuthError SERVER_BUSY when `work.queue` is full.
 */
export function hashPassword(password: string, work: PasswordWork = {}): Promise<string> {
  return runIn(work, () => argon2Hash(normalizePassword(password), ARGON2_PARAMS));
}

/**
 * The forms `password` may have been hashed in, each once: normalised (every hash made since
 * passwords are normalised), then as typed, NFC and NFD (a hash made before, of whatever form
 * the system that registered it sent). One form for ASCII, and for most other input.
 */
function formsOf(password: string): string[] {
  const forms = [normalizePassword(password)];
  for (const form of [password, password.normalize("NFC"), password.normalize("NFD")]) {
    if (!forms.includes(form)) forms.push(form);
  }
  return forms;
}

/** Which form matched (see verifyPasswordForm). */
export type PasswordMatch = "normalized" | "legacy" | null;

/**
 * Which of `password`'s forms matches `hash`: "normalized", "legacy" (a hash made before
 * passwords were normalised: re-hash it while the password is at hand), or null for none (a
 * malformed or foreign hash too). One queue slot for all the forms tried. Throws only AuthError
 * SERVER_BUSY, when `work.queue` is full (no password was checked).
 */
export function verifyPasswordForm(
  hash: string,
  password: string,
  work: PasswordWork = {},
): Promise<PasswordMatch> {
  return runIn(work, async () => {
    for (const [index, form] of formsOf(password).entries()) {
      try {
        if (await argon2Verify(hash, form)) return index === 0 ? "normalized" : "legacy";
      } catch {
        return null;
      }
    }
    return null;
  });
}

/**
 * True when `password` matches `hash` in any of its forms (verifyPasswordForm): a malformed or
 * foreign hash is false, not an error. Throws only AuthError SERVER_BUSY, when `work.queue` is
 * full (no password was checked).
 */
export async function verifyPassword(
  hash: string,
  password: string,
  work: PasswordWork = {},
): Promise<boolean> {
  return (await verifyPasswordForm(hash, password, work)) !== null;
}

/**
 * True when `hash` was not made with today's parameters (weaker or merely different, or not
 * ours at all), so the caller should re-hash the password after a successful login.
 */
export function needsRehash(hash: string): boolean {
  return typeof hash !== "string" || !CURRENT_HASH.test(hash);
}

/**
 * The hash an unknown email's password is checked against: made once, with today's parameters
 * (a test keeps them in step), of random bytes nobody kept. A constant, so that the first such
 * check costs one verify like every other, not a hash too (which told, once per process, that
 * the email had no account).
 */
export const DUMMY_HASH =
  "$argon2id$v=19$m=19456,t=2,p=1$55Y8MgpVB0yKNin5ASD3gA$GwYcUXoybDj+UvtSwbYP/kDpXoJRgIyjtLAjpWz8nN0";

/**
 * Spends the same argon2 work as a real verify and resolves false. Call it when the email is
 * unknown, so that "no such user" takes as long as "wrong password" and leaks nothing.
 *
 * @example
 * const ok = user ? await verifyPassword(user.passwordHash, password) : await verifyAgainstDummy(password);
 */
export async function verifyAgainstDummy(
  password: string,
  work: PasswordWork = {},
): Promise<false> {
  await verifyPassword(DUMMY_HASH, password, work);
  return false;
}
