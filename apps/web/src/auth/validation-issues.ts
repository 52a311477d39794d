// A zod failure arrives as its issues, JSON-encoded in the message: each with its words and the
// input field it names.

export interface ValidationIssue {
  /** The input's top-level field, when the issue names one. */
  field: string | undefined;
  message: string | undefined;
}

/** The issues in a VALIDATION error's message; none when it is not the issue list. */
export function validationIssues(message: string): ValidationIssue[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.flatMap((issue: unknown) => {
    if (typeof issue !== "object" || issue === null) return [];
    const { path, message: text } = issue as { path?: unknown; message?: unknown };
    const first = Array.isArray(path) ? path[0] : undefined;
    return [
      {
        field: typeof first === "string" ? first : undefined,
        message: typeof text === "string" ? text : undefined,
      },
    ];
  });
}
