// Which of a form's fields a failed call blames, so they can be marked invalid (WCAG 3.3.1).
import { readAppCode, readValidationIssues } from "@kit/api/wire";
import { TRPCClientError } from "@trpc/client";
import type { ErrorContext } from "./error-message";

/**
 * The input names a failed call blames; none when the input is not at fault (a network failure,
 * a busy server, a rate limit), since nothing in the form would fix it.
 * @example errorFields(invalidCredentials, "sign-in") // ["email", "password"]
 */
export function errorFields(error: unknown, context: ErrorContext = "other"): readonly string[] {
  if (!(error instanceof TRPCClientError)) return [];
  const changingPassword = context === "change-password";
  switch (readAppCode(error)) {
    // Signing in, either may be wrong, and which one is never said.
    case "INVALID_CREDENTIALS":
      return changingPassword ? ["currentPassword"] : ["email", "password"];
    case "WEAK_PASSWORD":
    case "GUESSABLE_PASSWORD":
    case "PASSWORD_UNCHANGED":
      return changingPassword ? ["newPassword"] : ["password"];
    case "EMAIL_TAKEN":
      return ["email"];
    case "VALIDATION":
      return [
        ...new Set(
          readValidationIssues(error).flatMap(({ path: [field] }) =>
            typeof field === "string" ? field : [],
          ),
        ),
      ];
    default:
      return [];
  }
}
