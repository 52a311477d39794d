// A lock file so two processes starting at once do not both initialise or start one data folder.
import { open, readFile, stat, unlink } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { EmbeddedPostgresError } from "../errors";
import {
  currentProcessIdentity,
  isSameProcessAlive,
  type ProcessIdentity,
} from "./process-identity";

/** Runs `fn` while holding `file`; a lock left by a dead process is taken over. */
export async function withFileLock<T>(
  file: string,
  fn: () => Promise<T>,
  timeoutMs = 30_000,
): Promise<T> {
  const me = JSON.stringify(currentProcessIdentity());
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const handle = await open(file, "wx", 0o600);
      await handle.writeFile(me);
      await handle.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const holder = await readFile(file, "utf8").catch(() => "");
    if (!(await isHeld(file, holder))) {
      // Only remove what we judged stale: the holder may have changed since.
      if ((await readFile(file, "utf8").catch(() => "")) === holder) {
        await unlink(file).catch(() => {});
      }
      continue;
    }
    if (Date.now() > deadline) {
      throw new EmbeddedPostgresError(
        "DATA_DIR_BUSY",
        `${file} has been held by another process for ${timeoutMs} ms`,
      );
    }
    await sleep(50);
  }
  try {
    return await fn();
  } finally {
    await unlink(file).catch(() => {});
  }
}

async function isHeld(file: string, holder: string): Promise<boolean> {
  try {
    return isSameProcessAlive(JSON.parse(holder) as ProcessIdentity);
  } catch {
    // Empty or half written: being written this very moment, unless its writer died doing so.
    const written = await stat(file).then(
      (s) => s.mtimeMs,
      () => 0,
    );
    return Date.now() - written < 5_000;
  }
}
