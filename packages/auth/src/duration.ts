// parseDuration: turns configuration text such as "15m" or "7d" into whole seconds.

const UNIT_SECONDS: Record<string, number> = {
  "": 1,
  s: 1,
  m: 60,
  h: 60 * 60,
  d: 24 * 60 * 60,
  w: 7 * 24 * 60 * 60,
};

// Anything longer is a typo (an extra zero, ms mistaken for s), not a real token lifetime.
const MAX_SECONDS = 10 * 365 * 24 * 60 * 60;

// Lowercase units only: "M" reads as months to some people and minutes to others.
const DURATION = /^(\d+)([smhdw]?)$/;

export interface ParseDurationOptions {
  /** Accept zero, in any unit ("0", "0s", "0d"): for settings where 0 switches something off. */
  zero?: boolean;
}

/**
 * Parses a positive whole duration into seconds. A bare integer means seconds.
 *
 * @example
 * parseDuration("15m"); // 900
 * parseDuration("7d"); // 604800
 * parseDuration("900"); // 900
 * parseDuration("0d", { zero: true }); // 0
 */
export function parseDuration(text: string, options: ParseDurationOptions = {}): number {
  const match = typeof text === "string" ? DURATION.exec(text.trim()) : null;
  const unit = UNIT_SECONDS[match?.[2] ?? ""];
  if (!match || unit === undefined) {
    throw invalid(
      text,
      'a positive whole number with an optional unit s, m, h, d or w (e.g. "15m")',
    );
  }
  const seconds = Number(match[1]) * unit;
  if (seconds === 0 && options.zero) return 0;
  if (seconds <= 0 || seconds > MAX_SECONDS) {
    throw invalid(text, options.zero ? "at most 10 years" : "more than 0 and at most 10 years");
  }
  return seconds;
}

function invalid(text: unknown, expected: string): TypeError {
  return new TypeError(`Invalid duration ${JSON.stringify(text)}: expected ${expected}.`);
}
