// Who is calling: the user and session an authenticator established for this request.
import type { AccessClaims } from "@kit/auth";
import type { Role } from "@kit/db";
import type { AppClaims } from "../access-claims";

export interface PrincipalUser {
  id: string;
  email: string;
  name: string | null;
}

/** The caller, with the role their row had when the session was last read (maybe cached). */
export interface CallingUser extends PrincipalUser {
  role: Role;
}

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
  /** The app's own claims (access-claims.ts), read from the token or, where it lacks them, as its hook says. */
  appClaims: AppClaims;
}
