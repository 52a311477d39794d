// pg's query_timeout error: a plain Error with no code (pg 8.23), known only by its message.
export const QUERY_READ_TIMEOUT = "Query read timeout";

/** Whether `err` is pg giving up on a statement after query_timeout. */
export function isQueryReadTimeout(err: unknown): boolean {
  return err instanceof Error && err.message === QUERY_READ_TIMEOUT;
}
