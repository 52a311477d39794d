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

  it("keeps keys that type no character out of the password: arrows, Home, Ctrl-letters", async () => {
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    // Left arrow (CSI), Home (SS3), Ctrl-A, Alt-x, and Ctrl-D on a line that is not empty.
    const io = terminal("ab\u001b[Dc\u001bOH\u0001d\u001bx\u0004e\r", "abcde\r");
    expect(await readNewPassword(io, false)).toBe("abcde");
    vi.restoreAllMocks();
  });

  it("keeps what was typed ahead for the next prompt: both entries typed before the first showed", async () => {
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    for (const ahead of [
      "hunter22\nhunter22\n",
      "hunter22\r\nhunter22\r\n",
      "hunter22\rhunter22\r",
    ]) {
      const io = terminal(ahead);
      expect(await readNewPassword(io, false), JSON.stringify(ahead)).toBe("hunter22");
    }
    vi.restoreAllMocks();
  });

  it("aborts on Ctrl-D at an empty prompt, as on Ctrl-C", async () => {
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    for (const key of ["\u0004", "abc\u0003"]) {
      const error = await readNewPassword(terminal(key), false).catch((caught: unknown) => caught);
      expect((error as CliError).code).toBe("ABORTED");
      expect((error as CliError).message).toBe("aborted");
      // As a shell reports an interrupted command; not a usage error.
      expect((error as CliError).exitCode).toBe(130);
    }
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

  it("leaves out what a file saved elsewhere adds: a byte order mark, a lone CR at the end", async () => {
    for (const piped of [
      "\ufeffCorrect-Horse-46\n",
      "Correct-Horse-46\r",
      "\ufeffCorrect-Horse-46\r\n",
    ]) {
      const io: CliIo = { out: () => {}, err: () => {}, stdin: Readable.from([piped]) };
      expect(await readNewPassword(io, true), JSON.stringify(piped)).toBe("Correct-Horse-46");
    }
  });

  it("stops reading stdin past the longest password, whatever follows", async () => {
    // Endless input without a line break, as `< /dev/zero` gives.
    const endless = new Readable({
      read() {
        this.push("\0".repeat(64 * 1024));
      },
    });
    const io: CliIo = { out: () => {}, err: () => {}, stdin: endless };
    const error = await readNewPassword(io, true).catch((caught: unknown) => caught);
    expect((error as CliError).code).toBe("WEAK_PASSWORD");
    expect((error as CliError).message).toMatch(/^Password must be at most 128 characters/);
    // The longest password still reads, its line break after it.
    const longest = "p".repeat(128);
    const piped: CliIo = { out: () => {}, err: () => {}, stdin: Readable.from([`${longest}\n`]) };
    expect(await readNewPassword(piped, true)).toBe(longest);
  });

  it("is a usage error without a terminal or --password-stdin", async () => {
    const io: CliIo = { out: () => {}, err: () => {}, stdin: Readable.from([]) };
    const error = await readNewPassword(io, false).catch((caught: unknown) => caught);
    expect((error as CliError).code).toBe("USAGE");
    expect((error as CliError).exitCode).toBe(2);
  });
});
