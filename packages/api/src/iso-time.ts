// Strict ISO 8601 instants for retirement times in configuration.

// 2027-01-31 (midnight UTC), or a date and time with its zone: 2027-01-31T00:00:00Z,
// 2027-01-31T01:00+01:00. A time without a zone is refused: whose midnight would it be?
const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** ms since the epoch for a strict ISO 8601 time (see ISO_TIME), or undefined. */
export function parseIsoTime(text: string): number | undefined {
  const match = ISO_TIME.exec(text);
  if (!match) return undefined;
  const fields = match.slice(1, 7).map((part) => Number(part ?? 0));
  const [y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0] = fields;
  // Date would roll 2027-02-30 over into March: refuse a field that is out of range instead.
  const wall = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  const back = [
    wall.getUTCFullYear(),
    wall.getUTCMonth() + 1,
    wall.getUTCDate(),
    wall.getUTCHours(),
    wall.getUTCMinutes(),
    wall.getUTCSeconds(),
  ];
  if (back.join() !== fields.join()) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

/** An instant as configuration writes it: 2027-01-31T00:00:00Z (milliseconds only when set). */
export function formatIsoTime(ms: number): string {
  return new Date(ms).toISOString().replace(".000Z", "Z");
}
