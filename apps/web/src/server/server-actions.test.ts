import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildHasServerActions, isServerActionCall } from "./server-actions";

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** An app folder whose build wrote `manifest` (a string: written as is; undefined: no file). */
async function appWith(manifest?: unknown): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "kit-actions-"));
  dirs.push(dir);
  const server = path.join(dir, ".next", "server");
  await mkdir(server, { recursive: true });
  if (manifest !== undefined) {
    const text = typeof manifest === "string" ? manifest : JSON.stringify(manifest);
    await writeFile(path.join(server, "server-reference-manifest.json"), text);
  }
  return dir;
}

describe("buildHasServerActions", () => {
  it("is false only for a manifest that lists none", async () => {
    expect(buildHasServerActions(await appWith({ node: {}, edge: {}, encryptionKey: "k" }))).toBe(
      false,
    );
    const withAction = { node: { "7f00": { workers: {}, layer: {} } }, edge: {} };
    expect(buildHasServerActions(await appWith(withAction))).toBe(true);
  });

  it("lets Next.js decide when the manifest is missing or not what it expects", async () => {
    expect(buildHasServerActions(await appWith())).toBe(true);
    expect(buildHasServerActions(await appWith("{not json"))).toBe(true);
    expect(buildHasServerActions(await appWith({ actions: [] }))).toBe(true);
    expect(buildHasServerActions(await appWith(null))).toBe(true);
  });
});

describe("isServerActionCall", () => {
  const call = (method: string, headers: Record<string, string>) =>
    isServerActionCall({ method, headers });

  it("takes a Next-Action header or a multipart form POST for one, as Next.js does", () => {
    expect(call("POST", { "next-action": "7f00", "content-type": "text/plain" })).toBe(true);
    expect(call("POST", { "content-type": "Multipart/Form-Data; boundary=x" })).toBe(true);
  });

  it("leaves every other request to the page", () => {
    expect(call("POST", { "content-type": "application/x-www-form-urlencoded" })).toBe(false);
    expect(call("POST", { "content-type": "application/json" })).toBe(false);
    expect(call("GET", { "content-type": "multipart/form-data; boundary=x" })).toBe(false);
    expect(call("GET", {})).toBe(false);
  });
});
