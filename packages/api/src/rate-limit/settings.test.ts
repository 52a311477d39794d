// The defaults meet the standard they cite, and a bad override is refused at start-up.
import { describe, expect, it } from "vitest";
import { DEFAULT_RATE_LIMITS, resolveSettings } from "./settings";

describe("rate limit settings", () => {
  it("defaults allow at most 100 failed logins per account per hour (OWASP ASVS)", () => {
    const { loginAccountFailures, loginAccountWindowSeconds } = DEFAULT_RATE_LIMITS;
    expect(loginAccountFailures / (loginAccountWindowSeconds / 3600)).toBeLessThanOrEqual(100);
    // One client alone cannot reach the account-wide cap that would lock the owner out too.
    const { loginBurstFailures, loginBurstLockSeconds } = DEFAULT_RATE_LIMITS;
    expect(loginBurstFailures * Math.ceil(3600 / loginBurstLockSeconds)).toBeLessThan(
      loginAccountFailures,
    );
  });

  it("fills what is not given from the defaults", () => {
    expect(resolveSettings({ registerPerClient: 5 })).toEqual({
      ...DEFAULT_RATE_LIMITS,
      registerPerClient: 5,
    });
    expect(resolveSettings({ refreshPerClient: undefined })).toEqual(DEFAULT_RATE_LIMITS);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])(
    "refuses %s as a threshold",
    (bad) => {
      expect(() => resolveSettings({ loginAccountFailures: bad })).toThrow(TypeError);
    },
  );

  it("refuses unknown names and a lock as long as the burst window", () => {
    expect(() => resolveSettings({ loginFailures: 3 } as never)).toThrow(TypeError);
    expect(() =>
      resolveSettings({ loginBurstLockSeconds: 600, loginBurstWindowSeconds: 600 }),
    ).toThrow(/shorter/);
  });
});
