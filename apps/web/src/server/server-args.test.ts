import { describe, expect, it } from "vitest";
import { parseServerArgs } from "./server-args";

describe("parseServerArgs", () => {
  it("reads --hostname in both spellings", () => {
    expect(parseServerArgs(["--hostname", "0.0.0.0"], true)).toEqual({
      dev: false,
      hostname: "0.0.0.0",
    });
    // Before: the `=` form was ignored and the server stayed on loopback.
    expect(parseServerArgs(["--hostname=0.0.0.0"], true).hostname).toBe("0.0.0.0");
    expect(parseServerArgs([], true)).toEqual({ dev: false, hostname: undefined });
  });

  it("takes --dev from the sources (pnpm dev) only, never from the compiled server", () => {
    expect(parseServerArgs(["--dev", "--hostname", "::1"], false)).toEqual({
      dev: true,
      hostname: "::1",
    });
    expect(() => parseServerArgs(["--dev"], true)).toThrow('unknown argument "--dev"');
  });

  it.each([
    [["--hostname"], "--hostname needs a host"],
    [["--hostname="], "--hostname needs a host"],
    [["--hostname", "--dev"], "--hostname needs a host"],
    [["--port", "4000"], 'unknown argument "--port"'],
    [["--bogus"], 'unknown argument "--bogus"'],
    [["0.0.0.0"], 'unknown argument "0.0.0.0"'],
    [["--hostname", "::1", "--hostname=0.0.0.0"], "--hostname is given more than once"],
  ])("refuses %j in one line", (args, message) => {
    expect(() => parseServerArgs(args, true)).toThrow(message);
  });
});
