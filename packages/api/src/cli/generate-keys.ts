// `pnpm auth keys generate --alg A`: a fresh signing key and its kid, as environment lines to paste.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { ALGORITHMS, type Algorithm, isAlgorithm } from "@kit/auth/algorithms";
import { usageError } from "./errors";
import type { CliIo } from "./io";

// 48 random bytes: HS256 needs at least 32 (the secret rule in secret.ts), more costs nothing.
const SECRET_BYTES = 48;

/** A new kid: the algorithm, today's date and random bits, so rotations sort and never collide. */
export function newKeyId(algorithm: Algorithm, now = new Date()): string {
  const day = now.toISOString().slice(0, 10).replaceAll("-", "");
  return `${algorithm.toLowerCase()}-${day}-${randomBytes(4).toString("hex")}`;
}

/** The signing key for `algorithm`: a random secret for HS256, else a PKCS#8 PEM private key. */
export function newSigningKey(algorithm: Algorithm): { key: string; publicKey: string | null } {
  if (algorithm === "HS256") {
    return { key: randomBytes(SECRET_BYTES).toString("base64url"), publicKey: null };
  }
  const pair =
    algorithm === "ES256"
      ? generateKeyPairSync("ec", { namedCurve: "P-256" })
      : generateKeyPairSync("rsa", { modulusLength: 3072 });
  return {
    key: pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKey: pair.publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
}

// Env files hold one line per variable: the PEM's line breaks are written as \n, which the
// server reads back (see key-config.ts).
const oneLine = (pem: string) => pem.trim().replaceAll("\n", "\\n");

export function generateKeys(io: CliIo, alg: string | undefined): void {
  if (!alg) throw usageError(`keys generate needs --alg (${ALGORITHMS.join(", ")})`);
  const algorithm = alg.toUpperCase();
  if (!isAlgorithm(algorithm)) {
    throw usageError(`--alg must be one of ${ALGORITHMS.join(", ")}, not ${alg}`);
  }
  const kid = newKeyId(algorithm);
  const { key, publicKey } = newSigningKey(algorithm);
  io.err(
    "# Paste into the server's environment. To rotate without signing anyone out, move the old\n" +
      "# key into AUTH_VERIFICATION_KEYS (its public key, or its secret for HS256) with its kid\n" +
      "# and a retiresAt after its last token expires, then set these; an AUTH_SECRET (no kid of\n" +
      "# its own) goes into AUTH_SECRET_PREVIOUS instead. Only a key of the same algorithm can\n" +
      `# stay: moving from another algorithm to ${algorithm} signs everyone out once.`,
  );
  io.out(`AUTH_ALGORITHM=${algorithm}`);
  io.out(`AUTH_SIGNING_KEY_ID=${kid}`);
  io.out(`AUTH_SIGNING_KEY="${algorithm === "HS256" ? key : oneLine(key)}"`);
  if (publicKey) {
    io.err("# Its public key, for AUTH_VERIFICATION_KEYS once the next key replaces it:");
    io.err(`# {"kid":"${kid}","key":"${oneLine(publicKey)}"}`);
  }
}
