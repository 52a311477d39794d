// Which address counts as the client: the socket's, unless trusted proxies say otherwise.
import { describe, expect, it } from "vitest";
import { normaliseIp, resolveClientIp } from "./client-ip";

const SOCKET = "10.0.0.2";

function headers(entries: [string, string][]): Headers {
  const result = new Headers();
  for (const [name, value] of entries) result.append(name, value);
  return result;
}

const resolve = (trustProxy: number, entries: [string, string][], socket: string | null = SOCKET) =>
  resolveClientIp({ socketAddress: socket, headers: headers(entries), trustProxy });

describe("resolveClientIp with trustProxy 0", () => {
  it("is the connection's own address, whatever the request claims", () => {
    const claims: [string, string][] = [
      ["x-forwarded-for", "203.0.113.7"],
      ["x-real-ip", "203.0.113.8"],
      ["forwarded", "for=203.0.113.9"],
      ["true-client-ip", "203.0.113.10"],
    ];
    expect(resolve(0, claims)).toBe(SOCKET);
  });

  it("is null when the socket address is unknown or not an address", () => {
    expect(resolve(0, [["x-forwarded-for", "203.0.113.7"]], null)).toBeNull();
    expect(
      resolveClientIp({ socketAddress: undefined, headers: new Headers(), trustProxy: 0 }),
    ).toBeNull();
    expect(resolve(0, [], "garbage")).toBeNull();
  });

  it("normalises an IPv4-mapped socket address", () => {
    expect(resolve(0, [], "::ffff:192.0.2.5")).toBe("192.0.2.5");
  });
});

describe("resolveClientIp with trusted proxies", () => {
  it("takes the N-th X-Forwarded-For entry from the right", () => {
    const chain: [string, string][] = [["x-forwarded-for", "198.51.100.1, 203.0.113.7 ,10.1.1.1"]];
    expect(resolve(1, chain)).toBe("10.1.1.1");
    expect(resolve(2, chain)).toBe("203.0.113.7");
    expect(resolve(3, chain)).toBe("198.51.100.1");
  });

  it("ignores what the client wrote to the left of the trusted hops", () => {
    // The client sent "X-Forwarded-For: 1.1.1.1"; our one proxy appended the real peer.
    expect(resolve(1, [["x-forwarded-for", "1.1.1.1, 203.0.113.7"]])).toBe("203.0.113.7");
  });

  it("joins every X-Forwarded-For header in order", () => {
    const split: [string, string][] = [
      ["x-forwarded-for", "198.51.100.1"],
      ["x-forwarded-for", "203.0.113.7, 10.1.1.1"],
    ];
    expect(resolve(2, split)).toBe("203.0.113.7");
    expect(resolve(3, split)).toBe("198.51.100.1");
  });

  it("falls back to the socket when the chain is shorter than the trusted hops, or absent", () => {
    expect(resolve(2, [["x-forwarded-for", "203.0.113.7"]])).toBe(SOCKET);
    expect(resolve(1, [])).toBe(SOCKET);
    expect(resolve(1, [["x-real-ip", "203.0.113.7"]])).toBe(SOCKET);
  });

  it("falls back to the socket when the chosen entry is not an address", () => {
    expect(resolve(1, [["x-forwarded-for", "203.0.113.7, unknown"]])).toBe(SOCKET);
    expect(resolve(1, [["x-forwarded-for", "203.0.113.7, "]])).toBe(SOCKET);
    expect(resolve(1, [["x-forwarded-for", "999.1.1.1"]])).toBe(SOCKET);
  });

  it("normalises the chosen entry: mapped IPv6, ports, brackets, IPv6 case", () => {
    expect(resolve(1, [["x-forwarded-for", "::ffff:203.0.113.7"]])).toBe("203.0.113.7");
    expect(resolve(1, [["x-forwarded-for", "203.0.113.7:51234"]])).toBe("203.0.113.7");
    expect(resolve(1, [["x-forwarded-for", "[2001:DB8::1]:443"]])).toBe("2001:db8::1");
    expect(resolve(1, [["x-forwarded-for", "[2001:db8::1]"]])).toBe("2001:db8::1");
    expect(resolve(1, [["x-forwarded-for", "2001:0db8:0:0:0:0:0:1"]])).toBe("2001:db8::1");
  });

  it("refuses a trustProxy that is not a non-negative integer", () => {
    for (const bad of [-1, 1.5, Number.NaN]) expect(() => resolve(bad, [])).toThrow(TypeError);
  });
});

describe("normaliseIp", () => {
  it.each([
    ["192.0.2.1", "192.0.2.1"],
    [" 192.0.2.1 ", "192.0.2.1"],
    ["192.0.2.1:80", "192.0.2.1"],
    ["::ffff:192.0.2.1", "192.0.2.1"],
    ["::FFFF:c000:201", "192.0.2.1"],
    ["[::ffff:192.0.2.1]:8080", "192.0.2.1"],
    ["::1", "::1"],
    ["fe80::1%eth0", "fe80::1"],
    ["", null],
    ["localhost", null],
    ["192.0.2.1:port", null],
    ["[192.0.2.1", null],
  ])("%j -> %j", (raw, expected) => {
    expect(normaliseIp(raw)).toBe(expected);
  });
});
