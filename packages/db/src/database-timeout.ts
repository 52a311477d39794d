// DATABASE_TIMEOUT's default, in a file of its own: the migrations runner uses it without loading
// the generated Prisma client that client.ts brings.

/** How long a call may wait on the database by default (DATABASE_TIMEOUT). */
export const DEFAULT_DATABASE_TIMEOUT_MS = 5000;
