// Known answers for the migration checksum, taken from Prisma's own tests (checksum.rs).
import { describe, expect, it } from "vitest";
import { migrationChecksum, scriptMatchesChecksum } from "./migration-checksum";

describe("migrationChecksum", () => {
  it("is SHA-256 as zero-padded hex, as Prisma renders it", () => {
    expect(migrationChecksum("hello")).toBe(
      "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
    );
    expect(migrationChecksum("abcd")).toHaveLength(64);
  });

  it("hashes a file's bytes the same as its text", () => {
    const script = 'CREATE TABLE "é" ("id" UUID NOT NULL);\n';
    expect(migrationChecksum(Buffer.from(script, "utf8"))).toBe(migrationChecksum(script));
  });
});

describe("scriptMatchesChecksum", () => {
  it("ignores LF versus CRLF, both ways", () => {
    const scripts = ["ab\ncd\nef\ngh\rab\n", "ab\r\ncd\r\nef\r\ngh\rab\r\n"];
    for (const script of scripts) {
      for (const other of scripts) {
        expect(scriptMatchesChecksum(script, migrationChecksum(other))).toBe(true);
      }
    }
  });

  it("tells different scripts apart, a trailing newline included", () => {
    expect(scriptMatchesChecksum("abc", migrationChecksum("abcd"))).toBe(false);
    expect(scriptMatchesChecksum("abc\n", migrationChecksum("abc"))).toBe(false);
  });

  it("accepts the unpadded checksums old Prisma versions wrote (prisma-engines#1887)", () => {
    // sha256("hello") has bytes 0x0e and 0x04 among others: unpadded, each loses a digit.
    const legacy = Array.from(Buffer.from(migrationChecksum("hello"), "hex"), (byte) =>
      byte.toString(16),
    ).join("");
    expect(legacy.length).toBeLessThan(64);
    expect(scriptMatchesChecksum("hello", legacy)).toBe(true);
    expect(scriptMatchesChecksum("hell", legacy)).toBe(false);
  });
});
