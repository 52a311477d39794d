// Recognises text PostgreSQL cannot store (a NUL character), so the API answers 400, not 500.

// SQLSTATE 22021 character_not_in_repertoire ("invalid byte sequence ... 0x00" in text) and
// 22P05 untranslatable_character (\u0000 inside jsonb).
const UNSTORABLE = new Set(["22021", "22P05"]);

/**
 * True for a write refused because its text holds a character PostgreSQL cannot store, from
 * Prisma (through the driver adapter) or from `pg` directly. Recognised by shape, not by class:
 * a bundler may load Prisma's error classes once per bundle.
 */
export function isUnstorableText(err: unknown): boolean {
  if (typeof err !== "object" || err === null) return false;
  const { code, meta } = err as { code?: unknown; meta?: unknown };
  if (typeof code === "string" && UNSTORABLE.has(code)) return true;
  const cause = (
    meta as { driverAdapterError?: { cause?: { originalCode?: unknown } } } | undefined
  )?.driverAdapterError?.cause;
  return typeof cause?.originalCode === "string" && UNSTORABLE.has(cause.originalCode);
}
