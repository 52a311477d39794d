// Who is calling: the user and session an authenticator established for this request.
import type { AccessClaims } from "@kit/auth";

export interface PrincipalUser {
  id: string;
  email: string;
  name: string | null;
}

export interface PrincipalSession {
  id: string;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
}

export interface Principal {
  user: PrincipalUser;
  session: PrincipalSession;
  claims: AccessClaims;
}
