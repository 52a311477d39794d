import { describe, expect, it } from "vitest";
import { fromThisMachine, namesLoopback } from "./loopback-name";

describe("namesLoopback", () => {
  it("knows this machine's names, with a port or without", () => {
    for (const host of [
      "localhost",
      "localhost:3000",
      "127.0.0.1:3000",
      "127.9.9.9",
      "[::1]:3000",
    ]) {
      expect(namesLoopback(host), host).toBe(true);
    }
  });

  it("refuses any other name, even one that resolves to 127.0.0.1, and nonsense", () => {
    for (const host of [
      "rebind.attacker.example:3000",
      "localhost.attacker.example",
      "127.0.0.1.nip.io",
      "10.0.0.1",
      "",
      null,
      undefined,
      "a b",
      "user@localhost",
    ]) {
      expect(namesLoopback(host), String(host)).toBe(false);
    }
  });
});

describe("fromThisMachine", () => {
  it("takes a request naming this machine that came through no proxy", () => {
    expect(fromThisMachine(new Headers({ host: "localhost:3000" }))).toBe(true);
    expect(fromThisMachine(new Headers({ host: "app.example.com" }))).toBe(false);
    expect(fromThisMachine(new Headers())).toBe(false);
  });

  it("refuses one a proxy passed on, with its own Host or the client's", () => {
    for (const [name, value] of [
      ["x-forwarded-for", "203.0.113.7"],
      ["x-forwarded-host", "app.example.com"],
      ["x-forwarded-proto", "https"],
      ["forwarded", "for=203.0.113.7"],
      ["x-real-ip", "203.0.113.7"],
      ["via", "1.1 nginx"],
    ] as const) {
      expect(fromThisMachine(new Headers({ host: "127.0.0.1:3000", [name]: value })), name).toBe(
        false,
      );
    }
  });
});
