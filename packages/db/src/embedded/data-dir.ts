// Prepares an app's data folder for a server that runs as the `postgres` user (we may be root).
import { statSync } from "node:fs";
import { chmod, mkdir } from "node:fs/promises";
import path from "node:path";
import { EmbeddedPostgresError } from "../errors";

/**
 * Creates `dir` (and missing parents) readable and traversable by everyone (0755, whatever the
 * umask), then checks, when we are root, that `postgres` can reach it: a folder made by
 * `mkdtemp` (0700) or a private home folder on the way would stop the server with a vague error.
 */
export async function prepareDataDir(dir: string): Promise<void> {
  const first = await mkdir(dir, { recursive: true });
  if (first !== undefined) {
    for (let created = dir; ; created = path.dirname(created)) {
      await chmod(created, 0o755);
      if (created === first || path.dirname(created) === created) break;
    }
  }
  if (process.getuid?.() !== 0) return;
  for (let folder = dir; ; folder = path.dirname(folder)) {
    if ((statSync(folder).mode & 0o001) === 0) {
      throw new EmbeddedPostgresError(
        "DATA_DIR_NOT_TRAVERSABLE",
        `The postgres user cannot enter ${folder} (on the way to ${dir}): chmod o+x it`,
      );
    }
    if (path.dirname(folder) === folder) break;
  }
}
