// The earliest instant a timestamp column can take: the driver writes an earlier one as year 0,
// which PostgreSQL refuses, so input must stop at year 1 in UTC.
const EARLIEST_TIME = Date.parse("0001-01-01T00:00:00Z");

/** True for a time a timestamp column can hold; an invalid Date (NaN) compares false. */
export function isStorableTime(time: Date): boolean {
  return time.getTime() >= EARLIEST_TIME;
}
