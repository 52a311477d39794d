// The checksum Prisma stores in _prisma_migrations.checksum, computed and compared as Prisma does.
import { createHash } from "node:crypto";

// Prisma (prisma-engines, schema-connector/src/checksum.rs) hashes the script's UTF-8 bytes with
// SHA-256 and writes the digest as zero-padded lower-case hex: 64 characters.
export function migrationChecksum(script: string | Uint8Array): string {
  return createHash("sha256").update(script).digest("hex");
}

// Its old engine dropped each byte's leading zero (prisma-engines#1887); rows written then are
// shorter than 64 characters and Prisma still accepts them, so we do too.
function legacyChecksum(script: string): string {
  return Array.from(createHash("sha256").update(script).digest(), (byte) => byte.toString(16)).join(
    "",
  );
}

/**
 * Whether `script` is the file a stored checksum was taken from. Like Prisma, line endings do
 * not count (git may turn LF into CRLF on checkout), so LF and CRLF variants both match.
 */
export function scriptMatchesChecksum(script: string, checksum: string): boolean {
  const format = checksum.length === 64 ? migrationChecksum : legacyChecksum;
  const variants = [script, script.replaceAll("\r\n", "\n"), script.replaceAll("\n", "\r\n")];
  return variants.some((variant) => format(variant) === checksum);
}
