// Who a request's user is, as the session check reads them: below both authentication/ and
// claims/, since the claims hook (claims/define-access-claims.ts) names it and principal.ts's
// types depend on that hook.
import type { Role } from "@kit/db";

export interface PrincipalUser {
  id: string;
  email: string;
  name: string | null;
}

/** The caller, with the role their row had when the session was last read (maybe cached). */
export interface CallingUser extends PrincipalUser {
  role: Role;
}
