// The password policy: a length range, checked before any hashing work is spent.
import { AuthError } from "./errors";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "./password-limits";

/**
 * Throws AuthError WEAK_PASSWORD unless the password is PASSWORD_MIN_LENGTH to PASSWORD_MAX_LENGTH characters long, counted in
 * Unicode code points so an emoji is one character, as the user sees it, not two UTF-16 units.
 */
export function checkPasswordPolicy(password: string): void {
  // Cheap bounds first: each code point is one or two UTF-16 units, so .length brackets the count
  // and a huge input is rejected without walking it.
  if (password.length < PASSWORD_MIN_LENGTH) throw tooShort();
  if (password.length > PASSWORD_MAX_LENGTH * 2) throw tooLong();
  const codePoints = countCodePoints(password);
  if (codePoints < PASSWORD_MIN_LENGTH) throw tooShort();
  if (codePoints > PASSWORD_MAX_LENGTH) throw tooLong();
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
