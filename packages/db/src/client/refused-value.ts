// Recognises a value PostgreSQL refused as data (SQLSTATE class 22, "data exception": too long for
// its column, not of its type, out of range, a NUL character), so the API answers 400 rather than
// 500: the statement was sound, what it was given was not.

import { adapterCause } from "./adapter-cause";

/** What was wrong with the value, as much as the SQLSTATE says. */
export type RefusedValue = "NUL_CHARACTER" | "TOO_LONG" | "MALFORMED" | "OUT_OF_RANGE" | "OTHER";

const KINDS: Record<string, RefusedValue> = {
  // character_not_in_repertoire ("invalid byte sequence ... 0x00" in text); untranslatable_character
  // (\u0000 inside jsonb).
  "22021": "NUL_CHARACTER",
  "22P05": "NUL_CHARACTER",
  // string_data_right_truncation: longer than varchar(n).
  "22001": "TOO_LONG",
  // invalid_text_representation ("invalid input syntax for type uuid"), invalid datetime format.
  "22P02": "MALFORMED",
  "22007": "MALFORMED",
  // numeric_value_out_of_range, datetime_field_overflow, interval_field_overflow.
  "22003": "OUT_OF_RANGE",
  "22008": "OUT_OF_RANGE",
  "22015": "OUT_OF_RANGE",
};

function sqlStateOf(err: object): unknown {
  // Through Prisma's driver adapter, or from pg directly (its `code` is the SQLSTATE).
  return adapterCause(err)?.originalCode ?? (err as { code?: unknown }).code;
}

/**
 * The kind of value refusal `err` reports, from Prisma (through the driver adapter) or from `pg`
 * directly; null for any other failure. Recognised by shape, not by class: a bundler may load
 * Prisma's error classes once per bundle.
 *
 * @example
 * refusedValue(err); // "TOO_LONG" for `value too long for type character varying(100)`
 */
export function refusedValue(err: unknown): RefusedValue | null {
  if (typeof err !== "object" || err === null) return null;
  const sqlState = sqlStateOf(err);
  if (typeof sqlState !== "string" || !/^22[0-9A-Z]{3}$/.test(sqlState)) return null;
  return KINDS[sqlState] ?? "OTHER";
}
