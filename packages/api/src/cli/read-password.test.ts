// The password prompt: typed without echo at a terminal (raw mode), or stdin's first line.
import { PassThrough, Readable } from "node:stream";
import { describe, expect, it, vi } from "vitest";
import { CliError } from "./errors";
import type { CliIo } from "./io";
import { readNewPassword } from "./read-password";

/** A terminal-like stdin that replays `keys`, one chunk per keystroke batch. */
function terminal(...keys: string[]): CliIo & { raw: boolean[] } {
  const stdin = new PassThrough() as PassThrough & {
    isTTY?: boolean;
    setRawMode?: (raw: boolean) => unknown;
  };
  const raw: boolean[] = [];
  stdin.isTTY = true;
  stdin.setRawMode = (mode) => raw.push(mode);
  // Typed once the prompt listens, as a person would type after seeing it.
  let next = 0;
  stdin.on("resume", () => {
    const key = keys[next++];
    if (key !== undefined) setImmediate(() => stdin.write(key));
  });
  return { out: () => {}, err: () => {}, stdin, raw };
}

describe("readNewPassword", () => {
  it("asks twice at a terminal with echo off, and honours backspace", async () => {
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const io = terminal("hunter2x\u007f2\r", "hunter22\r");
    expect(await readNewPassword(io, false)).toBe("hunter22");
    // Raw mode (no echo) on for each prompt and off again after it.
    expect(io.raw).toEqual([true, false, true, false]);
    vi.restoreAllMocks();
  });

  it("refuses two different entries", async () => {
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const error = await readNewPassword(terminal("one password\r", "another one\r"), false).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).code).toBe("PASSWORDS_DIFFER");
    vi.restoreAllMocks();
  });

  it("reads stdin's first line with --password-stdin, without its line break", async () => {
    const io: CliIo = {
      out: () => {},
      err: () => {},
      stdin: Readable.from(["a piped pass", "word\r\nignored\n"]),
    };
    expect(await readNewPassword(io, true)).toBe("a piped password");
  });

  it("is a usage error without a terminal or --password-stdin", async () => {
    const io: CliIo = { out: () => {}, err: () => {}, stdin: Readable.from([]) };
    const error = await readNewPassword(io, false).catch((caught: unknown) => caught);
    expect((error as CliError).code).toBe("USAGE");
    expect((error as CliError).exitCode).toBe(2);
  });
});
