// Why a person is on the sign-in page when they did not sign out: said once, in plain words.
import type { SignedOut } from "@kit/api";
import type { SignedOutEvent, SignOutCode } from "@kit/client";

/** What `?ended=` may say; anything else in the URL is ignored (never shown as it is). */
export const ENDED_NOTICES = {
  ended:
    "Your session has ended: it was signed out on another device or by an administrator, or your password changed. Sign in again.",
  expired: "Your session has expired. Sign in again.",
  reused:
    "Your session was ended because its sign-in was used from somewhere else. Sign in again, and change your password if that was not you.",
} as const;

export type EndedNotice = keyof typeof ENDED_NOTICES;

/** Which notice a session that ended for `reason` gets; null when the person chose it. */
export function endedNoticeFor(reason: SignedOutEvent["reason"] | null): EndedNotice | null {
  switch (reason) {
    case null:
    case "SIGN_OUT":
    // Another tab's sign-in as someone else: nobody's session ended against their will.
    case "ACCOUNT_CHANGED":
      return null;
    case "TOKEN_REUSED":
      return "reused";
    // The refresh cookie is gone or past its time while this page still held a session.
    case "TOKEN_EXPIRED":
    case "MISSING_TOKEN":
      return "expired";
    default:
      return "ended";
  }
}

/** The sentence for `?ended=`'s value, if it is one of ours. */
export function endedNoticeText(value: unknown): string | null {
  return typeof value === "string" && Object.hasOwn(ENDED_NOTICES, value)
    ? ENDED_NOTICES[value as EndedNotice]
    : null;
}

const COOKIE_PROVES_OVER = [
  "TOKEN_REVOKED",
  "USER_NOT_FOUND",
  "TOKEN_EXPIRED",
] as const satisfies readonly SignOutCode[];

/**
 * The notice for a page render whose refresh cookie was refused (readSignedIn), only where the
 * refusal proves the session over. No cookie is a visitor's; a malformed one may be another
 * app's on this host; a stale one (TOKEN_REUSED) is reuse only if a refresh says so.
 */
export function endedNoticeForCookie(refused: SignedOut["refused"]): EndedNotice | null {
  const proven = COOKIE_PROVES_OVER.find((code) => code === refused);
  return proven === undefined ? null : endedNoticeFor(proven);
}

/**
 * Where a page only the signed-in see sends a request that is not: to sign in and back to
 * `page`, told why when the cookie proves the session over.
 */
export function signInPathFor(page: `/${string}`, refused: SignedOut["refused"]): string {
  const notice = endedNoticeForCookie(refused);
  return notice ? `/login?next=${page}&ended=${notice}` : `/login?next=${page}`;
}
