// A schema's refusal as the wire gives it: the issues, each with the input path it blames (for a
// form to mark its fields), and one message a person can read. tRPC's own message is zod's
// issues as JSON, patterns and all.
import type { ZodError } from "zod";
import type { ValidationIssue } from "./wire";

/**
 * More than a form has fields. A 32 KiB body of bad array items makes thousands of issues, and
 * sending each back (twice: listed and in the message) would answer a small request with
 * megabytes.
 */
export const MAX_ISSUES = 20;

export interface Refusal {
  /** The first MAX_ISSUES: path and message (zod's codes, patterns and bounds stay here). */
  issues: ValidationIssue[];
  /** @example "email: Enter a valid email address.; password: Invalid input: …" */
  message: string;
}

export function refusalOf(error: ZodError): Refusal {
  const issues = error.issues.slice(0, MAX_ISSUES).map(({ path, message }) => ({
    path: path.map((key) => (typeof key === "number" ? key : String(key))),
    message,
  }));
  const said = issues.map(({ path, message }) =>
    path.length > 0 ? `${path.join(".")}: ${message}` : message,
  );
  const unsaid = error.issues.length - issues.length;
  if (unsaid > 0) said.push(`and ${unsaid} more`);
  return { issues, message: said.join("; ") };
}
