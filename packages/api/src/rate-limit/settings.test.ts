// The defaults meet the standard they cite, and a bad override is refused at start-up.
import { describe, expect, it } from "vitest";
import { DEFAULT_RATE_LIMITS, IPV6_NETWORK_MULTIPLIERS, resolveSettings } from "./settings";

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

  it("counts an IPv6 /56 and /48 above one /64, far below the /64s they hold", () => {
    const { slash56, slash48 } = IPV6_NETWORK_MULTIPLIERS;
    expect(slash56).toBeGreaterThan(1);
    expect(slash48).toBeGreaterThan(slash56);
    // Rotating through an allocation's /64s buys a small fraction of counting each apart:
    // under 1/16 of a /56's 256 /64s, under 1/1024 of a /48's 65,536.
    expect(slash56).toBeLessThan(256 / 16);
    expect(slash48).toBeLessThan(65_536 / 1024);
  });
});
