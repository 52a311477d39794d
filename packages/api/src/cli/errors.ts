// The command line's errors: a machine code each, and the exit code the process ends with.

export type CliErrorCode =
  | "USAGE"
  | "ABORTED"
  | "INVALID_ENV"
  | "USER_NOT_FOUND"
  | "EMAIL_TAKEN"
  | "WEAK_PASSWORD"
  | "PASSWORDS_DIFFER"
  | "NOT_MIGRATED"
  | "CHECK_FAILED";

/**
 * 0: done; 1: the command could not do it (a problem to fix); 2: it was called wrongly; 130: the
 * person at the terminal stopped it (Ctrl-C, as a shell reports an interrupted command).
 */
export const EXIT = { ok: 0, problem: 1, usage: 2, aborted: 130 } as const;

export class CliError extends Error {
  override readonly name = "CliError";
  readonly code: CliErrorCode;

  constructor(code: CliErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
  }

  get exitCode(): number {
    if (this.code === "USAGE") return EXIT.usage;
    return this.code === "ABORTED" ? EXIT.aborted : EXIT.problem;
  }
}

export const usageError = (message: string) => new CliError("USAGE", message);
