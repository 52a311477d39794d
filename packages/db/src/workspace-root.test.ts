// findWorkspaceRoot: the folder with pnpm-workspace.yaml, from wherever we start.
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { MigrationError } from "./errors";
import { findWorkspaceRoot } from "./workspace-root";

const here = path.dirname(fileURLToPath(import.meta.url));

describe("findWorkspaceRoot", () => {
  it("walks up from a package's source folder to the monorepo root", () => {
    const root = findWorkspaceRoot(here);
    expect(existsSync(path.join(root, "pnpm-workspace.yaml"))).toBe(true);
    expect(path.relative(root, here)).toBe(path.join("packages", "db", "src"));
  });

  it("starts from the current directory by default", () => {
    expect(findWorkspaceRoot()).toBe(findWorkspaceRoot(here));
  });

  it("throws WORKSPACE_NOT_FOUND outside any workspace", () => {
    const error = (() => {
      try {
        findWorkspaceRoot(tmpdir());
      } catch (err) {
        return err;
      }
    })();
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as MigrationError).code).toBe("WORKSPACE_NOT_FOUND");
  });
});
