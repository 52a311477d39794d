import { generateKeyPairSync } from "node:crypto";
import { chmod, chown, mkdtemp, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { findWorkspaceRoot } from "@kit/db/workspace-root";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PreviousSecret } from "./env";
import {
  checkPreviousSecrets,
  resolveAuthSecret,
  SecretError,
  secretRequired,
  shownPath,
} from "./secret";

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

  it("refuses a generated secret others could read, or a folder others could write", async () => {
    const first = await resolve(undefined);
    const file = path.join(dir, "auth-secret");
    await chmod(file, 0o644);
    await expect(resolve(undefined)).rejects.toThrow(
      /auth-secret can be read or written by other users \(mode 644\): anyone on this host could sign tokens\. Restrict it \(chmod 600 /,
    );
    await chmod(file, 0o600);
    await chmod(dir, 0o777);
    await expect(resolve(undefined)).rejects.toThrow(
      /can be written by every user \(mode 777\): anyone on this host could replace the signing secret/,
    );
    // Its group may (umask 002 gives each user's own group that).
    await chmod(dir, 0o775);
    expect(await resolve(undefined)).toBe(first);
    // A shared folder with the sticky bit (as /tmp) lets nobody replace another's file.
    await chmod(dir, 0o1777);
    expect(await resolve(undefined)).toBe(first);
    await chmod(dir, 0o755);
    expect(await resolve(undefined)).toBe(first);
  });

  it.skipIf(process.getuid?.() !== 0)(
    "refuses a secret, or its folder, that another user owns (run as root, as CI does)",
    async () => {
      const first = await resolve(undefined);
      const file = path.join(dir, "auth-secret");
      const nobody = 65534;
      await chown(file, nobody, nobody);
      await expect(resolve(undefined)).rejects.toThrow(
        /auth-secret belongs to another user \(uid 65534, this server runs as 0\): whoever put it there could sign tokens/,
      );
      await chown(file, 0, 0);
      await chown(dir, nobody, nobody);
      await expect(resolve(undefined)).rejects.toThrow(
        /belongs to another user \(uid 65534, this server runs as 0\): they could replace the signing secret in it/,
      );
      await chown(dir, 0, 0);
      expect(await resolve(undefined)).toBe(first);
    },
  );

  it("refuses a link in the secret's place", async () => {
    const elsewhere = path.join(dir, "chosen-by-someone");
    await writeFile(elsewhere, "k3J9-xq2LmZ8vR1tY6wB0nC4pD7sE5fG_hA-k3J9", { mode: 0o600 });
    await symlink(elsewhere, path.join(dir, "auth-secret"));
    await expect(resolve(undefined)).rejects.toThrow(
      /auth-secret is not a regular file \(a link\?\)/,
    );
  });

  it("refuses to generate one where it is required, and writes nothing", async () => {
    const refused = resolveAuthSecret({
      secret: undefined,
      required: true,
      dataDir: dir,
      production: true,
      warn: (line) => warnings.push(line),
    });
    await expect(refused).rejects.toBeInstanceOf(SecretError);
    await expect(refused).rejects.toThrow(
      /^AUTH_SECRET is not set: a production server on its own database/,
    );
    await expect(stat(path.join(dir, "auth-secret"))).rejects.toThrow(/ENOENT/);
  });

  it("requires one in production on DATABASE_URL only (the embedded database keeps its own)", () => {
    const url = "postgresql://db.internal/app";
    expect(secretRequired({ production: true, databaseUrl: url })).toBe(true);
    expect(secretRequired({ production: true, databaseUrl: undefined })).toBe(false);
    expect(secretRequired({ production: false, databaseUrl: url })).toBe(false);
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

  it("refuses a PEM key everywhere: with a public key as the secret, anyone could sign", async () => {
    const { publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const pem = publicKey.export({ type: "spki", format: "pem" }).toString();
    for (const production of [false, true]) {
      await expect(resolve(pem, production)).rejects.toThrow(
        /^AUTH_SECRET is a key \(a PEM block\), not a secret: HS256 signs with random bytes/,
      );
    }
    expect(() =>
      checkPreviousSecrets([{ secret: pem, retiresAt: undefined }], {
        production: false,
        warn: () => {},
        now: Date.now(),
        longestTokenSeconds: 60,
      }),
    ).toThrow(/^AUTH_SECRET_PREVIOUS entry 1 is a key \(a PEM block\), not a secret/);
    // As an identity provider shows a public key: the PEM's body alone.
    const body = pem
      .split("\n")
      .filter((line) => !line.startsWith("-----"))
      .join("");
    await expect(resolve(body)).rejects.toThrow(
      /^AUTH_SECRET is a key \(a DER key or certificate in base64\), not a secret/,
    );
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
  const other = "Zq8-mN2vB5xC7lK0jH3gF6dS9aP1oI4uY_t";
  // A frozen start-up clock.
  const now = Date.parse("2027-01-20T09:30:00Z");
  const week = 7 * 24 * 3600;
  const check = (secrets: PreviousSecret[], production = false) => {
    const warnings: string[] = [];
    const result = checkPreviousSecrets(secrets, {
      production,
      warn: (line) => warnings.push(line),
      now,
      longestTokenSeconds: week,
    });
    return { result, warnings };
  };
  const until = (secret: string, iso: string) => ({ secret, retiresAt: Date.parse(iso) });
  const forever = (secret: string) => ({ secret, retiresAt: undefined });

  it("accepts strong ones and refuses a short one everywhere, naming the entry", () => {
    const future = until(strong, "2027-02-01T00:00:00Z");
    expect(check([future], true).result).toEqual([future]);
    expect(() => check([future, forever("short")])).toThrow(/AUTH_SECRET_PREVIOUS entry 2/);
  });

  it("refuses a well-known one in production and warns elsewhere", () => {
    const weak = until("a".repeat(40), "2027-02-01T00:00:00Z");
    expect(() => check([weak], true)).toThrow(SecretError);
    expect(check([weak]).warnings).toHaveLength(1);
  });

  it("says nothing of a retirement time still to come", () => {
    expect(check([until(strong, "2027-01-20T09:30:01Z")], true).warnings).toEqual([]);
  });

  it("warns about a secret without a retirement time and recommends one past every token", () => {
    const { result, warnings } = check([until(other, "2027-02-01T00:00:00Z"), forever(strong)]);
    expect(result).toEqual([until(other, "2027-02-01T00:00:00Z"), forever(strong)]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^AUTH_SECRET_PREVIOUS entry 2 has no retirement time/);
    // A week after start-up (the longest token), rounded up to the hour.
    expect(warnings[0]).toContain("<secret>@2027-01-27T10:00:00Z");
    expect(warnings[0]).not.toContain(strong);
  });

  it("warns to remove a secret whose retirement time has passed, and keeps it refusing", () => {
    const retired = until(strong, "2027-01-20T09:30:00Z");
    const { result, warnings } = check([retired], true);
    expect(result).toEqual([retired]);
    expect(warnings).toEqual([
      "AUTH_SECRET_PREVIOUS entry 1 retired at 2027-01-20T09:30:00Z: tokens it signed are refused; remove it.",
    ]);
  });
});

describe("shownPath", () => {
  it("names a file inside the project from its root, any other in full", () => {
    const root = findWorkspaceRoot();
    expect(shownPath(path.join(root, ".data", "auth-secret"))).toBe(
      path.join(".data", "auth-secret"),
    );
    const outside = path.join(path.parse(root).root, "srv", "kit", "auth-secret");
    expect(shownPath(outside)).toBe(outside);
  });
});
