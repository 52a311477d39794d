// Finds the monorepo root (the folder holding pnpm-workspace.yaml), where prisma/ lives.
import { existsSync } from "node:fs";
import path from "node:path";
import { MigrationError } from "./errors";

/**
 * Walks up from `from` (default: the current directory) to the first folder containing
 * `pnpm-workspace.yaml`. Works the same from the root, a package, or an app's build output.
 */
export function findWorkspaceRoot(from: string = process.cwd()): string {
  // The comments keep Turbopack from taking these paths for files to trace into a build (it
  // would trace the whole project, and warn).
  let dir = path.resolve(/*turbopackIgnore: true*/ from);
  for (;;) {
    if (existsSync(/*turbopackIgnore: true*/ path.join(dir, "pnpm-workspace.yaml"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new MigrationError(
        "WORKSPACE_NOT_FOUND",
        `No pnpm-workspace.yaml in ${path.resolve(/*turbopackIgnore: true*/ from)} or any folder above it`,
      );
    }
    dir = parent;
  }
}
