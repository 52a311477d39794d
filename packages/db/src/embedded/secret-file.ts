// Passwords kept in files beside the cluster: random, owner-only (0600), written whole or not at all.
import { randomBytes } from "node:crypto";
import { readFile, rename, writeFile } from "node:fs/promises";

/** The password in `file`, or null when there is no such file. */
export async function readSecret(file: string): Promise<string | null> {
  return readFile(file, "utf8").then(
    (text) => text.trim(),
    () => null,
  );
}

/** A new random password, written to `file` (replacing any) before it is returned. */
export async function writeNewSecret(file: string): Promise<string> {
  // URL-safe (base64url), so it needs no escaping in a connection string.
  const value = randomBytes(24).toString("base64url");
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${value}\n`, { mode: 0o600 });
  await rename(temporary, file);
  return value;
}
