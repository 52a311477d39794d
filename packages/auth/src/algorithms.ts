// The signing algorithms a deployment may pick, and which keys each one accepts.
import { constants, createPrivateKey, createPublicKey, KeyObject, sign, verify } from "node:crypto";
import { assertSecretKey, createSecretKey } from "./keys";

/** HS256 (a shared secret) is the default; the others sign with a private key. */
export const ALGORITHMS = ["HS256", "RS256", "PS256", "ES256"] as const;
export type Algorithm = (typeof ALGORITHMS)[number];

// NIST SP 800-57: RSA below 2048 bits no longer gives 112 bits of security.
const MIN_RSA_BITS = 2048;

export function isAlgorithm(value: unknown): value is Algorithm {
  return typeof value === "string" && (ALGORITHMS as readonly string[]).includes(value);
}

/** True for the algorithms whose verification keys are public (and so can be published). */
export function isAsymmetric(algorithm: Algorithm): boolean {
  return algorithm !== "HS256";
}

/**
 * Throws a one-line TypeError unless `key` is one `algorithm` can `use`: a secret of 32 bytes or
 * more for HS256; an RSA key of 2048 bits or more for RS256 and PS256; a P-256 key for ES256.
 * Signing takes the private key, verifying the public one: a private key never sits where a
 * public one is expected (it could end up published).
 */
export function assertKeyFor(algorithm: Algorithm, key: unknown, use: "sign" | "verify"): void {
  if (!isAlgorithm(algorithm)) throw new TypeError(`Unknown algorithm ${String(algorithm)}.`);
  if (algorithm === "HS256") {
    assertSecretKey(key);
    return;
  }
  const wanted = use === "sign" ? "private" : "public";
  if (!isKeyObject(key) || key.type !== wanted) {
    const got = isKeyObject(key) ? `a ${key.type} key` : typeof key;
    throw new TypeError(
      `${algorithm} ${use === "sign" ? "signs" : "verifies"} with a ${wanted} key, not ${got}.`,
    );
  }
  const type = key.asymmetricKeyType;
  if (algorithm === "ES256") {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (type !== "ec" || curve !== "prime256v1") {
      throw new TypeError(
        `ES256 needs a P-256 (prime256v1) EC key, not ${type === "ec" ? `curve ${curve}` : `an ${type} key`}.`,
      );
    }
  } else {
    if (type !== "rsa") throw new TypeError(`${algorithm} needs an RSA key, not an ${type} key.`);
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS) {
      throw new TypeError(
        `${algorithm} needs an RSA key of at least ${MIN_RSA_BITS} bits (got ${bits}).`,
      );
    }
  }
  if (use === "sign") assertHalvesMatch(algorithm, key);
}

const PROBE = Buffer.from("@kit/auth: does this private key match its public key?");

/**
 * A private key whose public half (the one a PEM carries, which the key set publishes) does not
 * verify what it signs, as a damaged key file does: Node loads it, and every token signed with it
 * would be refused. Signing once and verifying says so at start-up instead.
 */
function assertHalvesMatch(algorithm: Exclude<Algorithm, "HS256">, key: KeyObject): void {
  const padding =
    algorithm === "PS256"
      ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
      : {};
  const signature = sign("sha256", PROBE, { key, ...padding });
  if (!verify("sha256", PROBE, { key: createPublicKey(key), ...padding }, signature)) {
    throw new TypeError(
      "the private key does not match its own public key (a damaged key?): every token it signed would be refused.",
    );
  }
}

/**
 * A key for `algorithm` from configuration text: the secret itself for HS256, else a PEM
 * (a private key to sign, a public key or certificate to verify). Throws a one-line TypeError
 * that never repeats the text (it may be secret).
 *
 * @example
 * const signing = keyFromText("ES256", pemFromConfiguration, "sign");
 */
export function keyFromText(algorithm: Algorithm, text: string, use: "sign" | "verify"): KeyObject {
  if (algorithm === "HS256") return createSecretKey(text);
  // Env files often hold a PEM on one line with literal "\n".
  const pem = text.includes("\\n") && !text.includes("\n") ? text.replaceAll("\\n", "\n") : text;
  if (!pem.includes("-----BEGIN "))
    throw new TypeError(`${algorithm} needs a PEM key (-----BEGIN ...).`);
  // createPublicKey would quietly derive a public key from a private PEM: a private key does not
  // belong in a list of keys that may be published, so say so instead.
  if (use === "verify" && /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
    throw new TypeError(
      "a verification key must be a public key or certificate, not a private key.",
    );
  }
  // createPrivateKey's own refusal of one reads as a decoder error ("unsupported").
  if (use === "sign" && /-----BEGIN (PUBLIC KEY|RSA PUBLIC KEY|CERTIFICATE)-----/.test(pem)) {
    throw new TypeError(
      "not a PEM private key: this is a public key or certificate; signing needs the private key (its public half is what verifiers get).",
    );
  }
  let key: KeyObject;
  try {
    key = use === "sign" ? createPrivateKey(pem) : createPublicKey(pem);
  } catch (error) {
    const kind = use === "sign" ? "private" : "public";
    throw new TypeError(`not a PEM ${kind} key (${(error as Error).message.split("\n")[0]}).`);
  }
  assertKeyFor(algorithm, key, use);
  return key;
}

function isKeyObject(value: unknown): value is KeyObject {
  return value instanceof KeyObject;
}
