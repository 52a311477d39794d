// Limiter keys: hashed accounts, one bucket per IPv4 address or IPv6 /64.
import { describe, expect, it } from "vitest";
import { accountKey, clientKey, UNKNOWN_CLIENT } from "./keys";

describe("accountKey", () => {
  it("is a 128-bit hex hash of the normalised email that does not spell it", () => {
    const key = accountKey("Alice@Example.com");
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(accountKey("  alice@example.com ")).toBe(key);
    expect(accountKey("alice2@example.com")).not.toBe(key);
  });
});

describe("clientKey", () => {
  it.each([
    [null, UNKNOWN_CLIENT],
    ["203.0.113.7", "203.0.113.7"],
    ["::ffff:203.0.113.7", "203.0.113.7"],
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
