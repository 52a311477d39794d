// admin.users' page cursor: the last account shown, by the keys the list is ordered by (creation
// time, then id), so that the next page starts after it even if that account is gone by then.
import { isStorableTime } from "./storable-time";
import { UUID_PATTERN } from "./uuid";

export interface UserCursor {
  createdAt: Date;
  id: string;
}

const CURSOR = new RegExp(
  `^(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z)_(${UUID_PATTERN.source.slice(1, -1)})$`,
  "i",
);

export function formatUserCursor(row: UserCursor): string {
  return `${row.createdAt.toISOString()}_${row.id}`;
}

/** The cursor formatUserCursor wrote, or null for anything else (a date that does not exist too). */
export function parseUserCursor(text: string): UserCursor | null {
  const match = CURSOR.exec(text);
  if (!match) return null;
  const [, time = "", id = ""] = match;
  const createdAt = new Date(time);
  // Date rolls 2026-02-30 over to 2 March: only a time that reads back the same is one.
  if (!isStorableTime(createdAt) || createdAt.toISOString() !== time) return null;
  return { createdAt, id: id.toLowerCase() };
}
