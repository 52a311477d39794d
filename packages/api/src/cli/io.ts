// Where a command writes and reads: the process's streams, or a test's buffers.
import type { Readable } from "node:stream";

export interface CliIo {
  /** Results, one line at a time (stdout). */
  out(line: string): void;
  /** Progress and problems (stderr): kept apart so a script can read `out` alone. */
  err(line: string): void;
  stdin: Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
}

export const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  stdin: process.stdin,
};
