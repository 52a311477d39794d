// The password policy: a length range, then nothing an attacker tries first (a common password,
// one character repeated, the account's own email), checked before any hashing work is spent.
import { isCommonPassword } from "./common-passwords";
import { AuthError } from "./errors";
import { normalizePassword } from "./password-form";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "./password-limits";

/** What the account is known by, which its password must not be. */
export interface PasswordOwner {
  email?: string | null;
}

/**
 * Rejects with AuthError WEAK_PASSWORD unless the password is PASSWORD_MIN_LENGTH to
 * PASSWORD_MAX_LENGTH characters long, counted in Unicode code points so an emoji is one
 * character, as the user sees it, not two UTF-16 units; then GUESSABLE_PASSWORD when it is one of
 * the most common passwords, one character repeated, or the owner's email (or the part before its
 * @), whatever the case.
 */
export async function checkPasswordPolicy(
  password: string,
  owner: PasswordOwner = {},
): Promise<void> {
  // Cheap bounds first: each code point is one or two UTF-16 units, so .length brackets the count
  // and a huge input is rejected without walking it.
  if (password.length < PASSWORD_MIN_LENGTH) throw tooShort();
  if (password.length > PASSWORD_MAX_LENGTH * 2) throw tooLong();
  // Judged as it is hashed (normalised: full-width "ｐａｓｓｗｏｒｄ" is "password").
  const normal = normalizePassword(password);
  const codePoints = countCodePoints(normal);
  if (codePoints < PASSWORD_MIN_LENGTH) throw tooShort();
  if (codePoints > PASSWORD_MAX_LENGTH) throw tooLong();
  const guessable = await guessableBecause(normal, owner);
  if (guessable)
    throw new AuthError("GUESSABLE_PASSWORD", `This password is too easy to guess: ${guessable}.`);
}

async function guessableBecause(password: string, owner: PasswordOwner): Promise<string | null> {
  if (await isCommonPassword(password)) return "it is one of the most common passwords";
  if (isOneCharacterRepeated(password)) return "it is one character repeated";
  const lower = password.toLowerCase();
  const email = owner.email?.toLowerCase();
  if (email && (lower === email || lower === email.slice(0, email.lastIndexOf("@")))) {
    return "it is the account's email address";
  }
  return null;
}

function isOneCharacterRepeated(password: string): boolean {
  const first = password.codePointAt(0);
  for (const character of password) if (character.codePointAt(0) !== first) return false;
  return true;
}

function countCodePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

function tooShort(): AuthError {
  return new AuthError(
    "WEAK_PASSWORD",
    `Password must be at least ${PASSWORD_MIN_LENGTH} characters.`,
  );
}

function tooLong(): AuthError {
  return new AuthError(
    "WEAK_PASSWORD",
    `Password must be at most ${PASSWORD_MAX_LENGTH} characters.`,
  );
}
