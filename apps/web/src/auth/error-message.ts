// What a person reads when a call fails: chosen by the server's `appCode`, never its text.
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "@kit/api/password-limits";
import { isAppDeclaredCode, readAppCode, readValidationIssues } from "@kit/api/wire";
import { TRPCClientError } from "@trpc/client";

export type ErrorContext = "sign-in" | "register" | "change-password" | "other";

interface ErrorFacts {
  appCode: string | null;
  message: string;
  retryAfter: string | null;
}

function factsOf(error: unknown): ErrorFacts {
  if (!(error instanceof TRPCClientError)) {
    return { appCode: null, message: String(error), retryAfter: null };
  }
  const response = (error.meta as { response?: unknown } | undefined)?.response;
  const retryAfter = response instanceof Response ? response.headers.get("retry-after") : null;
  return {
    appCode: readAppCode(error),
    message: error.message,
    retryAfter,
  };
}

/** "3 minutes", "45 seconds": the wait a 429 asks for. */
export function formatWait(seconds: number): string {
  if (seconds >= 90) {
    const minutes = Math.ceil(seconds / 60);
    return `${minutes} minutes`;
  }
  return seconds === 1 ? "1 second" : `${seconds} seconds`;
}

/** The issues' own words (each written to be shown beside its field), without their paths. */
function validationText(error: unknown): string {
  const texts = readValidationIssues(error).map((issue) => issue.message);
  return texts.length > 0 ? texts.join(" ") : "Please check the form and try again.";
}

/** The sentence to show for a failed call. */
export function errorMessage(error: unknown, context: ErrorContext = "other"): string {
  const { appCode, message, retryAfter } = factsOf(error);
  switch (appCode) {
    case "INVALID_CREDENTIALS":
      return context === "change-password"
        ? "The current password is wrong."
        : "Wrong email or password.";
    case "RATE_LIMITED": {
      const seconds = Number(retryAfter);
      return Number.isFinite(seconds) && seconds > 0
        ? `Too many attempts. Try again in ${formatWait(seconds)}.`
        : "Too many attempts. Try again later.";
    }
    case "SERVER_BUSY":
      return "The server is busy right now. Try again in a moment.";
    // The server's database is down: like a network failure, passing, and nothing was signed out.
    case "DB_UNAVAILABLE":
      return "Can't reach the server right now. Try again in a moment.";
    case "WEAK_PASSWORD":
      return `Choose a password of ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters.`;
    // The kit writes this one for the person choosing: it says why ("…: it is one of the most
    // common passwords"), which no fixed text here could.
    case "GUESSABLE_PASSWORD":
      return message;
    case "PASSWORD_UNCHANGED":
      return "The new password must differ from the current one.";
    case "EMAIL_TAKEN":
      return "An account with this email already exists. Sign in instead.";
    case "VALIDATION":
      return validationText(error);
    case "SESSION_NOT_FOUND":
      return "That session has already ended.";
    // The admin page's own refusals: each says what trying again cannot change.
    case "ADMIN_REQUIRED":
      return "Your account is no longer an administrator's. Reload the page.";
    case "ACCOUNT_NOT_FOUND":
      return "That account no longer exists. Reload the page.";
    case "SELF_DEACTIVATION":
      return "You cannot deactivate your own account.";
    case "LIMITER_UNAVAILABLE":
      return "The sign-in limits cannot be reached right now. Try again in a moment.";
    case null:
      return "Could not reach the server. Check your connection and try again.";
    default:
      // A code of the app's own (AppErrorCodes) comes with a message written to be shown.
      return isAppDeclaredCode(appCode) ? message : "Something went wrong. Please try again.";
  }
}
