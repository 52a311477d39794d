// A schema's refusal as the wire gives it: the issues, each with the input path it blames (for a
// form to mark its fields), and one message a person can read. tRPC's own message is zod's
// issues as JSON, patterns and all.
import type { ZodError } from "zod";
import type { ValidationIssue } from "./wire";

/** Each issue's path and message; zod's other details (codes, patterns, bounds) stay here. */
export function issuesOf(error: ZodError): ValidationIssue[] {
  return error.issues.map(({ path, message }) => ({
    path: path.map((key) => (typeof key === "number" ? key : String(key))),
    message,
  }));
}

/**
 * @example issuesMessage([{ path: ["email"], message: "Enter a valid email address." }])
 * // "email: Enter a valid email address."
 */
export function issuesMessage(issues: readonly ValidationIssue[]): string {
  return issues
    .map(({ path, message }) => (path.length > 0 ? `${path.join(".")}: ${message}` : message))
    .join("; ");
}
