// Which of a form's fields a failed call blames, so they can be marked invalid (WCAG 3.3.1).
import { readAppCode } from "@kit/api/wire";
import { TRPCClientError } from "@trpc/client";
import { validationIssues } from "./validation-issues";

/**
 * The input names a failed call blames; none when the input is not at fault (a network failure,
 * a busy server, a rate limit), since nothing in the form would fix it.
 * @example errorFields(invalidCredentials) // ["email", "password"]
 */
export function errorFields(error: unknown): readonly string[] {
  if (!(error instanceof TRPCClientError)) return [];
  switch (readAppCode(error)) {
    // Either may be wrong, and which one is never said.
    case "INVALID_CREDENTIALS":
      return ["email", "password"];
    case "WEAK_PASSWORD":
      return ["password"];
    case "EMAIL_TAKEN":
      return ["email"];
    case "VALIDATION":
      return [...new Set(validationIssues(error.message).flatMap(({ field }) => field ?? []))];
    default:
      return [];
  }
}
