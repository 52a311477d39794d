// A password for create-user: typed at a terminal without echo, or piped in by a script.

import { PASSWORD_MAX_LENGTH } from "@kit/auth";
import { CliError, usageError } from "./errors";
import type { CliIo } from "./io";

/**
 * Reads one line from a terminal with echo off (raw mode). Ctrl-C aborts, and so does Ctrl-D on
 * an empty line (end of input, as a shell takes it). Keys that type no character (arrows, Home,
 * Ctrl-letters) change nothing: in raw mode they arrive as control characters and escape
 * sequences, which would otherwise end up, unseen, in the password.
 */
function promptHidden(io: CliIo, prompt: string): Promise<string> {
  const { stdin } = io;
  process.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let typed = "";
    // Inside an escape sequence: after ESC ("esc"), or within a CSI or SS3 one ("csi").
    let inSequence: "esc" | "csi" | null = null;
    stdin.setRawMode?.(true);
    stdin.resume();
    stdin.setEncoding("utf8");
    // What came after the line's end in the same chunk: typed ahead (both entries typed before
    // the first prompt showed), it is the next prompt's, and waited for for ever once dropped.
    let rest = "";
    const done = (error?: Error) => {
      stdin.setRawMode?.(false);
      stdin.off("data", onData);
      if (rest !== "" && !error) stdin.unshift(rest);
      stdin.pause();
      process.stderr.write("\n");
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: string) => {
      const chars = [...chunk];
      for (const [index, char] of chars.entries()) {
        if (inSequence === "esc") {
          // ESC [ and ESC O start a sequence; ESC and any other key is Alt with that key.
          inSequence = char === "[" || char === "O" ? "csi" : null;
          continue;
        }
        if (inSequence === "csi") {
          // Parameters until the final byte, one of @ to ~.
          if (char >= "@" && char <= "~") inSequence = null;
          continue;
        }
        if (char === "\r" || char === "\n") {
          // A line typed ahead ends with "\n", or "\r\n": one end, not an empty line after it.
          const next = char === "\r" && chars[index + 1] === "\n" ? index + 2 : index + 1;
          rest = chars.slice(next).join("");
          return done();
        }
        if (char === "\u0003") return done(new CliError("ABORTED", "aborted"));
        if (char === "\u0004") {
          if (typed === "") return done(new CliError("ABORTED", "aborted"));
          continue;
        }
        if (char === "\u001b") inSequence = "esc";
        else if (char === "\u007f" || char === "\b") typed = [...typed].slice(0, -1).join("");
        else if (char >= " ") typed += char;
      }
    };
    stdin.on("data", onData);
  });
}

/**
 * Characters read from stdin before giving up on finding the line's end: a password of the
 * longest allowed (code points, each up to two UTF-16 units) and its "\r\n", with room to spare.
 * Without a bound, 50 MB piped in took 94 s to refuse and `< /dev/zero` never ended.
 */
const MAX_STDIN_LINE = PASSWORD_MAX_LENGTH * 4;

/** Everything on stdin up to its first line break (a trailing "\r\n" or "\n" is not part of it). */
async function readFirstLine(io: CliIo): Promise<string> {
  let text = "";
  for await (const chunk of io.stdin) {
    text += typeof chunk === "string" ? chunk : (chunk as Buffer).toString("utf8");
    if (text.includes("\n")) break;
    if (text.length > MAX_STDIN_LINE) {
      throw new CliError(
        "WEAK_PASSWORD",
        `Password must be at most ${PASSWORD_MAX_LENGTH} characters (stdin's first line is longer).`,
      );
    }
  }
  if (text === "") throw usageError("--password-stdin: nothing on stdin (pipe the password in)");
  const line = text.split(/\r?\n/)[0] ?? "";
  // What a file saved by another system adds, and no one types: the password would be set with
  // it, and the same password typed at sign-in refused.
  return line.replace(/^\ufeff/, "").replace(/\r$/, "");
}

/**
 * Throws the usage error readNewPassword would, before any work: without `--password-stdin` the
 * password is asked at a terminal, and without one there is nothing to ask it on.
 */
export function requirePasswordSource(io: CliIo, fromStdin: boolean): void {
  if (!fromStdin && !io.stdin.isTTY) {
    throw usageError("stdin is not a terminal: pipe the password in with --password-stdin");
  }
}

/**
 * The new password: from stdin when `fromStdin` (for scripts: `--password-stdin`), else asked
 * twice at the terminal. Never from an argument: those show in `ps` and in shell history.
 */
export async function readNewPassword(io: CliIo, fromStdin: boolean): Promise<string> {
  if (fromStdin) return readFirstLine(io);
  requirePasswordSource(io, fromStdin);
  const first = await promptHidden(io, "Password: ");
  const again = await promptHidden(io, "Password (again): ");
  if (first !== again) throw new CliError("PASSWORDS_DIFFER", "the passwords differ");
  return first;
}
