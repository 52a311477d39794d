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
  isActive: true,
  passwordHash: true,
} as const satisfies Prisma.UserSelect;

/** For authorising a request: is the token's user still there and allowed in? */
export const userAuthSelect = {
  id: true,
  email: true,
  name: true,
  isActive: true,
} as const satisfies Prisma.UserSelect;

/** Every session column: none is a secret (the refresh token itself is never stored). */
export const sessionSelect = {
  id: true,
  userId: true,
  refreshJti: true,
  previousJti: true,
  rotatedAt: true,
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
export type SessionRecord = Prisma.SessionGetPayload<{ select: typeof sessionSelect }>;
