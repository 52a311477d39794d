// Test helper: a stand-in for the shared /tmp, watched, so a test sees every file made in it.
import { type FSWatcher, watch } from "node:fs";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

export interface SharedTmpdir {
  dir: string;
  /** Names of every entry created in `dir` since the start, even if deleted again at once. */
  created(): string[];
  /** Stops watching, puts TMPDIR back and removes the folder. */
  dispose(): Promise<void>;
}

/**
 * Points TMPDIR (what `os.tmpdir()` reads) at a new world-writable sticky folder, as /tmp is,
 * and records what appears in it. /tmp itself is shared with every other test on the machine,
 * so watching it would see their files too.
 */
export async function watchSharedTmpdir(): Promise<SharedTmpdir> {
  const dir = await mkdtemp(path.join(tmpdir(), "kit-shared-tmp-"));
  await chmod(dir, 0o1777);
  const names = new Set<string>();
  // inotify: a file created and unlinked a moment later is still reported.
  const watcher: FSWatcher = watch(dir, (event, name) => {
    if (event === "rename" && name) names.add(name);
  });
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  return {
    dir,
    created: () => [...names],
    async dispose() {
      watcher.close();
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
