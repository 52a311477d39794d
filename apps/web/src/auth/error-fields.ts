// Which of a form's fields a failed call blames, so they can be marked invalid (WCAG 3.3.1).
import { readAppCode } from "@kit/api/wire";
import { TRPCClientError } from "@trpc/client";

// A zod failure arrives as its issues, JSON-encoded in the message; each names its field.
function validationFields(message: string): string[] {
  try {
    const issues = JSON.parse(message) as { path?: unknown }[];
    return issues.flatMap((issue) => {
      const field = Array.isArray(issue.path) ? issue.path[0] : undefined;
      return typeof field === "string" ? [field] : [];
    });
  } catch {
    return [];
  }
}

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
      return [...new Set(validationFields(error.message))];
    default:
      return [];
  }
}
