// Limiter keys: hashed accounts and devices, one bucket per IPv4 address or IPv6 /64, and the
// IPv6 /56 and /48 around it.
import { describe, expect, it } from "vitest";
import { accountKey, clientKey, clientNetworks, deviceKey, UNKNOWN_CLIENT } from "./keys";

describe("accountKey", () => {
  it("is a 128-bit hex hash of the normalised email that does not spell it", () => {
    const key = accountKey("Alice@Example.com");
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(accountKey("  alice@example.com ")).toBe(key);
    expect(accountKey("alice2@example.com")).not.toBe(key);
  });
});

describe("deviceKey", () => {
  it("is a 128-bit hex hash of the id, not the id", () => {
    const key = deviceKey("device-123");
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(key).not.toContain("device-123");
    expect(deviceKey("device-124")).not.toBe(key);
  });
});

describe("clientKey", () => {
  it.each([
    [null, UNKNOWN_CLIENT],
    ["203.0.113.7", "203.0.113.7"],
    ["::ffff:203.0.113.7", "203.0.113.7"],
    ["::FFFF:203.0.113.7", "203.0.113.7"],
    ["::ffff:cb00:7107", "203.0.113.7"],
    ["0:0:0:0:0:ffff:203.0.113.7", "203.0.113.7"],
    ["2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"],
    ["2001:0DB8:0001:0002::9", "2001:db8:1:2::/64"],
    ["2001:db8::1", "2001:db8:0:0::/64"],
    ["::1", "0:0:0:0::/64"],
    ["fe80::1%eth0", "fe80:0:0:0::/64"],
    ["64:ff9b::192.0.2.1", "64:ff9b:0:0::/64"],
  ])("%s -> %s", (ip, key) => {
    expect(clientKey(ip)).toBe(key);
  });

  it("turns a value that is not an address into a bounded, stable key", () => {
    const key = clientKey("not an address at all");
    expect(key).toMatch(/^other-[0-9a-f]{32}$/);
    expect(clientKey("not an address at all")).toBe(key);
  });
});

describe("clientNetworks", () => {
  it.each([
    ["2001:db8:1:2a3::9", "2001:db8:1:200::/56", "2001:db8:1::/48"],
    ["2001:0db8:0001:02ff:ffff:ffff:ffff:ffff", "2001:db8:1:200::/56", "2001:db8:1::/48"],
    ["2001:db8:1:300::1", "2001:db8:1:300::/56", "2001:db8:1::/48"],
    ["2001:db8::", "2001:db8:0:0::/56", "2001:db8:0::/48"],
    ["2001:DB8:ABCD:12FF::1", "2001:db8:abcd:1200::/56", "2001:db8:abcd::/48"],
    ["fe80::1%eth0", "fe80:0:0:0::/56", "fe80:0:0::/48"],
    ["fe80::abcd%25en0", "fe80:0:0:0::/56", "fe80:0:0::/48"],
    ["64:ff9b::192.0.2.1", "64:ff9b:0:0::/56", "64:ff9b:0::/48"],
  ])("%s -> %s and %s", (ip, slash56, slash48) => {
    expect(clientNetworks(ip)).toEqual({ slash56, slash48 });
  });

  it("puts every /64 of one /56 in that /56, and every /56 of one /48 in that /48", () => {
    const sixtyFours = Array.from(
      { length: 256 },
      (_, i) => `2001:db8:7:${(0x3400 + i).toString(16)}::1`,
    );
    expect(new Set(sixtyFours.map(clientKey)).size).toBe(256);
    expect(new Set(sixtyFours.map((ip) => clientNetworks(ip)?.slash56))).toEqual(
      new Set(["2001:db8:7:3400::/56"]),
    );
    const fiftySixes = Array.from(
      { length: 256 },
      (_, i) => `2001:db8:7:${(i << 8).toString(16)}::1`,
    );
    expect(new Set(fiftySixes.map((ip) => clientNetworks(ip)?.slash56)).size).toBe(256);
    expect(new Set(fiftySixes.map((ip) => clientNetworks(ip)?.slash48))).toEqual(
      new Set(["2001:db8:7::/48"]),
    );
  });

  it.each([null, "203.0.113.7", "::ffff:203.0.113.7", "::ffff:cb00:7107", "not an address"])(
    "has none for %s (IPv4, unknown, not an address)",
    (ip) => {
      expect(clientNetworks(ip)).toBeNull();
    },
  );
});
