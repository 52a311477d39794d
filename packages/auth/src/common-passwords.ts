// The passwords people choose most often, which an attacker tries first: zxcvbn-ts's ranked list
// (~49,000 from leaked-password corpora), of which the ~18,000 long enough to pass the length
// rule can reach this check. NIST SP 800-63B (§3.1.1.2) and OWASP ASVS (2.1.7) require a new
// password to be checked against such a list; this one ships in the package, so the check needs
// no network and sends nothing anywhere.
import { PASSWORD_MIN_LENGTH } from "./password-limits";

let common: Promise<ReadonlySet<string>> | undefined;

/**
 * Loaded on first use (~60 ms and ~5 MB of heap): a process that never sets a password, as most
 * calls and every CLI command but create-user do not, never pays for the list.
 */
function commonPasswords(): Promise<ReadonlySet<string>> {
  common ??= import("@zxcvbn-ts/language-common").then(
    ({ dictionary }) =>
      new Set(
        dictionary["passwords-common"].filter((password) => password.length >= PASSWORD_MIN_LENGTH),
      ),
  );
  return common;
}

/** True for a password on the list, in any case (the list is lower case): `Password1` too. */
export async function isCommonPassword(password: string): Promise<boolean> {
  return (await commonPasswords()).has(password.toLowerCase());
}
