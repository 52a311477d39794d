// Token keys as configured: AUTH_VERIFICATION_KEYS's JSON, and every key checked against
// AUTH_ALGORITHM at start-up, so a bad key stops the server with one line naming the variable.
import { type Algorithm, isAsymmetric, keyFromText } from "@kit/auth/algorithms";
import { formatIsoTime, parseIsoTime } from "./iso-time";

/** A key that only verifies, as AUTH_VERIFICATION_KEYS lists it. */
export interface ConfiguredKey {
  kid: string;
  /** A PEM public key (or certificate) for RS256/PS256/ES256; the secret itself for HS256. */
  key: string;
  /** ms since the epoch from which its tokens are refused; undefined: until it is removed. */
  retiresAt: number | undefined;
}

const ENTRY_FIELDS = ["kid", "key", "retiresAt"];

/**
 * AUTH_VERIFICATION_KEYS: a JSON array of `{"kid", "key", "retiresAt"?}`. Problems name the entry
 * and its kid, never its key (a secret, for HS256).
 */
export function parseVerificationKeys(text: string): { keys: ConfiguredKey[]; problems: string[] } {
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch {
    return {
      keys: [],
      problems: ['not JSON; write [{"kid":"...","key":"<PEM>","retiresAt":"2027-01-31"}]'],
    };
  }
  if (!Array.isArray(list)) return { keys: [], problems: ["must be a JSON array of keys"] };
  const keys: ConfiguredKey[] = [];
  const problems: string[] = [];
  list.forEach((entry: unknown, index) => {
    const name = `entry ${index + 1}`;
    const fields = (typeof entry === "object" && entry !== null ? entry : {}) as Record<
      string,
      unknown
    >;
    const { kid, key, retiresAt } = fields;
    if (typeof kid !== "string" || !/^[\x21-\x7e]{1,128}$/.test(kid)) {
      problems.push(`${name}: "kid" must be 1 to 128 printable ASCII characters without spaces`);
      return;
    }
    if (typeof key !== "string" || key.length === 0) {
      problems.push(`${name} (kid "${kid}"): "key" must be a non-empty string`);
      return;
    }
    // A misspelt "retiresAt" would leave the key verifying for ever, without a word.
    const unknown = Object.keys(fields).find((field) => !ENTRY_FIELDS.includes(field));
    if (unknown !== undefined) {
      problems.push(
        `${name} (kid "${kid}"): unknown field "${unknown}"; an entry has "kid", "key" and "retiresAt"`,
      );
      return;
    }
    let retires: number | undefined;
    if (retiresAt !== undefined) {
      retires = typeof retiresAt === "string" ? parseIsoTime(retiresAt) : undefined;
      if (retires === undefined) {
        problems.push(
          `${name} (kid "${kid}"): "retiresAt" must be an ISO 8601 time, e.g. 2027-01-31T00:00:00Z`,
        );
        return;
      }
    }
    if (keys.some((known) => known.kid === kid)) {
      problems.push(`${name}: kid "${kid}" is listed twice`);
      return;
    }
    keys.push({ kid, key, retiresAt: retires });
  });
  return { keys, problems };
}

export interface KeySettings {
  algorithm: Algorithm;
  authSecret: string | undefined;
  previousSecretCount: number;
  signingKey: string | undefined;
  signingKeyId: string | undefined;
  verificationKeys: readonly ConfiguredKey[];
}

/**
 * One line per problem with the key settings, each starting with the variable it is about: a
 * key of the wrong type or size for the algorithm, a missing signing key, HS256 secrets on an
 * asymmetric deployment (one family only: that mix is what alg-confusion attacks need).
 */
export function keyProblems(settings: KeySettings): string[] {
  const { algorithm } = settings;
  const problems: string[] = [];
  const check = (name: string, text: string, use: "sign" | "verify") => {
    try {
      keyFromText(algorithm, text, use);
    } catch (error) {
      problems.push(`${name}: ${(error as Error).message} (AUTH_ALGORITHM is ${algorithm})`);
    }
  };
  if (isAsymmetric(algorithm)) {
    if (settings.authSecret !== undefined || settings.previousSecretCount > 0) {
      problems.push(
        `AUTH_SECRET: HS256 secrets are not used with AUTH_ALGORITHM=${algorithm} (one family of keys only); remove AUTH_SECRET and AUTH_SECRET_PREVIOUS`,
      );
    }
    if (settings.signingKey === undefined) {
      problems.push(
        `AUTH_SIGNING_KEY: required with AUTH_ALGORITHM=${algorithm} (a PEM private key)`,
      );
    } else {
      check("AUTH_SIGNING_KEY", settings.signingKey, "sign");
    }
  } else if (settings.signingKey !== undefined) {
    if (settings.authSecret !== undefined) {
      problems.push("AUTH_SIGNING_KEY: set AUTH_SECRET or AUTH_SIGNING_KEY for HS256, not both");
    } else {
      check("AUTH_SIGNING_KEY", settings.signingKey, "sign");
    }
  }
  settings.verificationKeys.forEach((entry, index) => {
    check(`AUTH_VERIFICATION_KEYS entry ${index + 1} (kid "${entry.kid}")`, entry.key, "verify");
    if (entry.kid === settings.signingKeyId) {
      problems.push(
        `AUTH_VERIFICATION_KEYS entry ${index + 1}: kid "${entry.kid}" is AUTH_SIGNING_KEY_ID's`,
      );
    }
  });
  return problems;
}

/**
 * One warning per verification key whose `retiresAt` has passed: it verifies nothing any more
 * (its tokens are refused), so it only clutters the configuration and the key set. A key without
 * a time is not warned about: that is how the next key is published before it signs.
 */
export function retiredKeyWarnings(keys: readonly ConfiguredKey[], now: number): string[] {
  return keys.flatMap((entry, index) =>
    entry.retiresAt !== undefined && entry.retiresAt <= now
      ? [
          `AUTH_VERIFICATION_KEYS entry ${index + 1} (kid "${entry.kid}") retired at ${formatIsoTime(entry.retiresAt)}: tokens it signed are refused; remove it.`,
        ]
      : [],
  );
}
