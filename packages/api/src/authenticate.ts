// Authenticators: each looks at a request and returns a principal, null ("not mine"), or throws.
import { AuthError, parseBearer } from "@kit/auth";
import type { AppDeps } from "./deps";
import type { Principal } from "./principal";
import { isUuid } from "./uuid";

export interface RequestInfo {
  headers: Headers;
  clientIp: string | null;
}

/** Returns null when the request carries no credentials it understands, so the next may run. */
export type Authenticator = (deps: AppDeps, request: RequestInfo) => Promise<Principal | null>;

/**
 * `Authorization: Bearer <access token>`. The checks run in the recipe's order, then ours:
 * header, signature and claims, token type, an active user, a live session of that user.
 * The session check is what makes logout and revocation take effect at once.
 */
export const bearerAuthenticator: Authenticator = async (deps, request) => {
  const token = parseBearer(request.headers.get("authorization"));
  if (token === null) return null;
  const claims = deps.tokens.verifyAccess(token);
  // Ids are UUID columns: anything else cannot name a row, and must not reach the database.
  if (!isUuid(claims.sub)) throw new AuthError("USER_NOT_FOUND");
  if (!isUuid(claims.sid)) throw new AuthError("TOKEN_REVOKED");
  const user = await deps.prisma.user.findUnique({
    where: { id: claims.sub },
    select: {
      id: true,
      email: true,
      name: true,
      isActive: true,
      sessions: {
        where: { id: claims.sid },
        select: {
          id: true,
          createdAt: true,
          lastUsedAt: true,
          expiresAt: true,
          absoluteExpiresAt: true,
          revokedAt: true,
        },
      },
    },
  });
  if (!user?.isActive) throw new AuthError("USER_NOT_FOUND");
  const session = user.sessions[0];
  const now = deps.now();
  const over =
    !session ||
    session.revokedAt !== null ||
    session.expiresAt.getTime() <= now ||
    session.absoluteExpiresAt.getTime() <= now;
  if (over) throw new AuthError("TOKEN_REVOKED");
  const { revokedAt: _revoked, absoluteExpiresAt: _cap, ...live } = session;
  return { user: { id: user.id, email: user.email, name: user.name }, session: live, claims };
};

/** Runs the chain in order; the first authenticator that recognises the request decides. */
export async function runAuthenticators(
  chain: readonly Authenticator[],
  deps: AppDeps,
  request: RequestInfo,
): Promise<Principal | null> {
  for (const authenticate of chain) {
    const principal = await authenticate(deps, request);
    if (principal) return principal;
  }
  return null;
}
