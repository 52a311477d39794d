// tRPC's own test of a JSON body (the media type, case-insensitive, parameters ignored), shared
// by the fast path and the single-call path so both choose as tRPC would.

export function isJsonContentType(value: string | null | undefined): boolean {
  return value?.toLowerCase().split(";", 1)[0]?.trim() === "application/json";
}
