// The log's `err` serializer: pino's own shape (type, message, stack, the error's own fields, its
// cause), except that a database failure anywhere along the chain is logged without the values
// its message quotes (@kit/db's loggableDatabaseError).
import { loggableDatabaseError } from "@kit/db";

// Deep enough for an app's error around Prisma's around the adapter's; a cycle must not loop.
const MAX_DEPTH = 5;

/** `err` as one log line holds it. */
export function loggableError(err: unknown, depth = 0): unknown {
  const database = loggableDatabaseError(err);
  if (database !== null) return database;
  if (!(err instanceof Error)) return err;
  const logged: Record<string, unknown> = {
    type: err.constructor.name || err.name,
    message: err.message,
    stack: err.stack,
  };
  for (const [key, value] of Object.entries(err)) {
    if (key !== "cause" && !(key in logged)) logged[key] = value;
  }
  if (err.cause !== undefined && depth < MAX_DEPTH) {
    logged.cause = loggableError(err.cause, depth + 1);
  }
  return logged;
}
