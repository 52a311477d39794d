// The public surface of @kit/auth; nothing else in src is imported from outside the package.

export {
  ALGORITHMS,
  type Algorithm,
  assertKeyFor,
  isAlgorithm,
  isAsymmetric,
  keyFromText,
} from "./algorithms";
export { parseBearer } from "./bearer";
export { parseDuration } from "./duration";
export { AuthError, type AuthErrorCode, isAuthError } from "./errors";
export { type PublicJwk, publicJwks } from "./jwks";
export { type ClaimRules, FUTURE_IAT_TOLERANCE_SECONDS, MAX_CLOCK_LEEWAY_SECONDS } from "./jwt";
export {
  createKeyRing,
  type KeyRing,
  type KeyRingOptions,
  keyId,
  type RingKey,
  type VerificationKey,
} from "./key-ring";
export { createSecretKey, keyMaterialForm } from "./keys";
export {
  ARGON2_PARAMS,
  hashPassword,
  needsRehash,
  type PasswordMatch,
  type PasswordWork,
  verifyAgainstDummy,
  verifyPassword,
  verifyPasswordForm,
} from "./password";
export { normalizePassword } from "./password-form";
export { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "./password-limits";
export { checkPasswordPolicy } from "./password-policy";
export {
  createPasswordQueue,
  hashConcurrencyDefault,
  type PasswordQueue,
  type PasswordQueueSettings,
  WAITING_PER_SLOT,
} from "./password-queue";
export {
  type AccessClaims,
  createTokenService,
  type DeviceClaims,
  HEADER_TYPES,
  type IssuedToken,
  RESERVED_CLAIMS,
  type RefreshClaims,
  type ReservedClaim,
  type TokenService,
  type TokenServiceConfig,
} from "./tokens";
