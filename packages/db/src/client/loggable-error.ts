// What a log may hold of a database failure. Prisma's and PostgreSQL's messages quote the values a
// statement was given (`invalid input syntax for type uuid: "…"`, a validation error's whole
// argument tree), and those values are often what a client sent: a password, a token, anything.

import { adapterCause } from "./adapter-cause";

/** A database failure as logged: its codes and where it happened, never the values. */
export interface LoggedDatabaseError {
  type: string;
  /** Prisma's P-code, or pg's SQLSTATE. */
  code?: string;
  /** The SQLSTATE behind a Prisma error, from its driver adapter. */
  sqlState?: string;
  /** The driver adapter's name for it (`LengthMismatch`, `UniqueConstraintViolation`, …). */
  kind?: string;
  modelName?: string;
  /** The constraint's index, fields or foreign key: the schema's names, no values. */
  constraint?: unknown;
  message: string;
  stack?: string;
}

function isDatabaseError(err: object): boolean {
  const { name, severity, code } = err as { name?: unknown; severity?: unknown; code?: unknown };
  if (typeof name === "string" && /^PrismaClient[A-Za-z]*Error$|^DriverAdapterError$/.test(name)) {
    return true;
  }
  // pg's DatabaseError, raised directly where the kit uses pg without Prisma.
  return typeof severity === "string" && typeof code === "string";
}

/** Quoted text and key values replaced by "…": the sentence keeps its shape, not the data. */
export function withoutValues(text: string): string {
  return text
    .replace(/"(?:[^"\\]|\\.)*"/g, '"…"')
    .replace(/'(?:[^'\\]|\\.)*'/g, "'…'")
    .replace(/=\([^)]*\)/g, "=(…)");
}

// Prisma's message is "Invalid `prisma.user.create()` invocation in <file:line:col>", then the
// source around the call or the arguments given (values and all), then what went wrong: the
// first and the last are kept, with the source lines (`→ 12 …`) that precede the last dropped.
function summaryOf(message: string): string {
  const paragraphs = message.trim().split(/\n\s*\n/);
  const first = (paragraphs[0] ?? "").split("\n").filter(isProse);
  const last = paragraphs.length > 1 ? (paragraphs.at(-1) ?? "").split("\n").filter(isProse) : [];
  return withoutValues([...first, ...last].join(" ").replace(/\s+/g, " ").trim());
}

function isProse(line: string): boolean {
  return line.trim() !== "" && !/^\s*(?:→\s*)?\d+\s/.test(line);
}

/** The stack's frames without its first lines, which repeat the message. */
function framesOf(stack: unknown): string | undefined {
  if (typeof stack !== "string") return undefined;
  const frames = stack.split("\n").filter((line) => /^\s+at /.test(line));
  return frames.length > 0 ? frames.join("\n") : undefined;
}

/**
 * `err` as a log line may hold it when it is a database failure (Prisma's, its driver adapter's,
 * or pg's): codes, kind, model, constraint and stack frames, the message with its quoted values
 * replaced; null for anything else. Recognised by shape, not by class, as isDatabaseUnavailable.
 *
 * @example
 * loggableDatabaseError(err)?.message; // 'Invalid `prisma.user.findFirst()` invocation … for type uuid: "…"'
 */
export function loggableDatabaseError(err: unknown): LoggedDatabaseError | null {
  if (typeof err !== "object" || err === null || !isDatabaseError(err)) return null;
  const { name, code, message, stack, meta } = err as {
    name?: unknown;
    code?: unknown;
    message?: unknown;
    stack?: unknown;
    meta?: { modelName?: unknown };
  };
  const adapter = adapterCause(err);
  const logged: LoggedDatabaseError = {
    type: typeof name === "string" ? name : "DatabaseError",
    message: typeof message === "string" ? summaryOf(message) : "",
  };
  if (typeof code === "string") logged.code = code;
  if (typeof adapter?.originalCode === "string") logged.sqlState = adapter.originalCode;
  if (typeof adapter?.kind === "string") logged.kind = adapter.kind;
  if (typeof meta?.modelName === "string") logged.modelName = meta.modelName;
  if (adapter?.constraint !== undefined) logged.constraint = adapter.constraint;
  const frames = framesOf(stack);
  if (frames !== undefined) logged.stack = frames;
  return logged;
}
