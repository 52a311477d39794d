// Small figures helpers the bench shares: the median of a list, and rounding for the report.

/** The middle value, or the mean of the two middles; NaN for an empty list. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** `n` to `digits` decimal places, as a number. */
export const roundTo = (n: number, digits = 2) => Number(n.toFixed(digits));
