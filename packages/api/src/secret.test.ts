import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkPreviousSecrets, resolveAuthSecret, SecretError } from "./secret";

let dir: string;
let warnings: string[];
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "kit-secret-"));
  warnings = [];
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const resolve = (secret: string | undefined, production = false) =>
  resolveAuthSecret({ secret, dataDir: dir, production, warn: (line) => warnings.push(line) });

describe("resolveAuthSecret", () => {
  it("generates a secret once, owner-only, reuses it, and warns naming AUTH_SECRET", async () => {
    const first = await resolve(undefined);
    expect(Buffer.byteLength(first)).toBeGreaterThanOrEqual(32);
    const file = path.join(dir, "auth-secret");
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await resolve(undefined)).toBe(first);
    expect((await readFile(file, "utf8")).trim()).toBe(first);
    expect(warnings[0]).toContain("AUTH_SECRET");
  });

  it("agrees on one secret when several processes start together", async () => {
    const secrets = await Promise.all(Array.from({ length: 8 }, () => resolve(undefined)));
    expect(new Set(secrets).size).toBe(1);
  });

  it("uses AUTH_SECRET when it is strong, without a warning", async () => {
    const strong = "k3J9-xq2LmZ8vR1tY6wB0nC4pD7sE5fG_hA";
    expect(await resolve(strong, true)).toBe(strong);
    expect(warnings).toEqual([]);
  });

  it("refuses a short secret everywhere", async () => {
    await expect(resolve("too-short")).rejects.toBeInstanceOf(SecretError);
    await expect(resolve("too-short", true)).rejects.toBeInstanceOf(SecretError);
  });

  it("refuses a well-known or low-variety secret in production, warns elsewhere", async () => {
    for (const weak of [
      "replace-me-with-at-least-32-random-bytes",
      "a".repeat(40),
      "changeme-changeme-changeme-changeme",
    ]) {
      await expect(resolve(weak, true)).rejects.toBeInstanceOf(SecretError);
      warnings = [];
      expect(await resolve(weak, false)).toBe(weak);
      expect(warnings).toHaveLength(1);
    }
  });
});

describe("checkPreviousSecrets", () => {
  const strong = "k3J9-xq2LmZ8vR1tY6wB0nC4pD7sE5fG_hA";
  it("accepts strong ones and refuses a short one everywhere, naming the entry", () => {
    expect(checkPreviousSecrets([strong], { production: true, warn: () => {} })).toEqual([strong]);
    expect(() =>
      checkPreviousSecrets([strong, "short"], { production: false, warn: () => {} }),
    ).toThrow(/AUTH_SECRET_PREVIOUS entry 2/);
  });

  it("refuses a well-known one in production and warns elsewhere", () => {
    const weak = "a".repeat(40);
    expect(() => checkPreviousSecrets([weak], { production: true, warn: () => {} })).toThrow(
      SecretError,
    );
    const warnings: string[] = [];
    checkPreviousSecrets([weak], { production: false, warn: (line) => warnings.push(line) });
    expect(warnings).toHaveLength(1);
  });
});
