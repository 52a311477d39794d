// Named selects: the password hash leaves this package only when asked for by name.
import type { Prisma } from "../generated/prisma/client";

/** What anyone may see of a user. */
export const userPublicSelect = {
  id: true,
  email: true,
  name: true,
} as const satisfies Prisma.UserSelect;

/** For checking a password at login, and nothing else. */
export const userCredentialsSelect = {
  id: true,
  email: true,
  name: true,
  role: true,
  isActive: true,
  passwordHash: true,
} as const satisfies Prisma.UserSelect;

/**
 * For authorising a request: is the token's user still there and allowed in? The role rides
 * along (auth.me answers it from the session cache); adminProcedure reads it again itself.
 */
export const userAuthSelect = {
  id: true,
  email: true,
  name: true,
  isActive: true,
  role: true,
} as const satisfies Prisma.UserSelect;

/**
 * For authorising a request: is the token's session still live? Read on every protected call,
 * so it carries nothing more.
 */
export const sessionAuthSelect = {
  id: true,
  createdAt: true,
  lastUsedAt: true,
  expiresAt: true,
  absoluteExpiresAt: true,
  revokedAt: true,
} as const satisfies Prisma.SessionSelect;

/** For refresh rotation and its grace window: liveness plus which token is current, and who rotated. */
export const sessionRotationSelect = {
  ...sessionAuthSelect,
  refreshJti: true,
  previousJti: true,
  rotatedAt: true,
  rotatedBy: true,
  retiredJtis: true,
  retiredAt: true,
  unansweredJti: true,
} as const satisfies Prisma.SessionSelect;

/** Every session column: none is a secret (the refresh token itself is never stored). */
export const sessionSelect = {
  id: true,
  userId: true,
  refreshJti: true,
  previousJti: true,
  rotatedAt: true,
  rotatedBy: true,
  retiredJtis: true,
  retiredAt: true,
  unansweredJti: true,
  createdAt: true,
  lastUsedAt: true,
  expiresAt: true,
  absoluteExpiresAt: true,
  revokedAt: true,
  revokedReason: true,
  userAgent: true,
  ip: true,
} as const satisfies Prisma.SessionSelect;

export type UserPublic = Prisma.UserGetPayload<{ select: typeof userPublicSelect }>;
export type UserCredentials = Prisma.UserGetPayload<{ select: typeof userCredentialsSelect }>;
export type UserAuth = Prisma.UserGetPayload<{ select: typeof userAuthSelect }>;
/** Who a live session belongs to, as requests see them: UserAuth without the flag they passed. */
export type UserIdentity = Omit<UserAuth, "isActive">;
export type SessionRecord = Prisma.SessionGetPayload<{ select: typeof sessionSelect }>;
export type SessionAuth = Prisma.SessionGetPayload<{ select: typeof sessionAuthSelect }>;
export type SessionRotation = Prisma.SessionGetPayload<{ select: typeof sessionRotationSelect }>;
