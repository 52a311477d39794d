// The token service's keys from the settings: the one signing key and every verifying one.
import {
  isAsymmetric,
  keyFromText,
  type TokenServiceConfig,
  type VerificationKey,
} from "@kit/auth";
import type { Algorithm } from "@kit/auth/algorithms";
import type { ConfiguredKey } from "./key-config";

export interface TokenKeySettings {
  algorithm: Algorithm;
  /** HS256: the signing secret (AUTH_SECRET, AUTH_SIGNING_KEY or the generated one). */
  secret: string | undefined;
  /** HS256: AUTH_SECRET_PREVIOUS, verified under their derived kids. */
  previousSecrets: readonly { secret: string; retiresAt?: Date | number | undefined }[];
  /** RS256, PS256, ES256: the PEM private key. */
  signingKey: string | undefined;
  signingKeyId: string | undefined;
  verificationKeys: readonly ConfiguredKey[];
}

/** `algorithm`, `key`, `keyId` and `previousKeys` for createTokenService. */
export function tokenKeys(
  settings: TokenKeySettings,
): Pick<TokenServiceConfig, "algorithm" | "key" | "keyId" | "previousKeys"> {
  const { algorithm } = settings;
  const text = isAsymmetric(algorithm) ? settings.signingKey : settings.secret;
  if (text === undefined) throw new TypeError(`No signing key for ${algorithm}.`);
  const key = keyFromText(algorithm, text, "sign");
  const previousKeys: VerificationKey[] = settings.previousSecrets.map(({ secret, retiresAt }) => ({
    key: keyFromText("HS256", secret, "verify"),
    retiresAt,
  }));
  // A kid configured for a secret that signed before it had one: its tokens carry the derived
  // kid, and must keep verifying until they expire.
  if (!isAsymmetric(algorithm) && settings.signingKeyId !== undefined) previousKeys.push({ key });
  for (const entry of settings.verificationKeys) {
    previousKeys.push({
      kid: entry.kid,
      key: keyFromText(algorithm, entry.key, "verify"),
      retiresAt: entry.retiresAt,
    });
  }
  return { algorithm, key, keyId: settings.signingKeyId, previousKeys };
}
