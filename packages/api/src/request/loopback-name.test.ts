import { describe, expect, it } from "vitest";
import { namesLoopback } from "./loopback-name";

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
