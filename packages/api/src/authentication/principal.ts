// Who is calling: the user and session an authenticator established for this request.
import type { AccessClaims } from "@kit/auth";
import type { AppClaims } from "../access-claims";
import type { CallingUser } from "../calling-user";

export type { CallingUser, PrincipalUser } from "../calling-user";

export interface PrincipalSession {
  id: string;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
}

export interface Principal {
  user: CallingUser;
  session: PrincipalSession;
  claims: AccessClaims;
  /** The app's own claims (access-claims.ts): the token's, or what its hook gives instead. */
  appClaims: AppClaims;
}
