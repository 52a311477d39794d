// Who is calling: the authenticator chain, and the Bearer authenticator that verifies the access
// token and asks loadLiveSession for the session. protectedProcedure ends up here.
import { parseBearer } from "@kit/auth";
import { accessClaims } from "../access-claims";
import { readAccessClaims } from "../claims/define-access-claims";
import type { AppDeps } from "../deps";
import { cachedLiveSession, readLiveSession } from "./live-session";
import type { Principal } from "./principal";

export interface RequestInfo {
  headers: Headers;
  clientIp: string | null;
}

/** Returns null when the request carries no credentials it understands, so the next may run. */
export type Authenticator = (deps: AppDeps, request: RequestInfo) => Promise<Principal | null>;

/**
 * `Authorization: Bearer <access token>`. The checks run in the contract's order: header, then
 * signature and claims and token type (`deps.tokens` is `createTokenService` in
 * packages/auth/src/tokens.ts, the one door to jsonwebtoken), then an active user and a live
 * session of that user (loadLiveSession).
 */
export const bearerAuthenticator: Authenticator = async (deps, request) => {
  const token = parseBearer(request.headers.get("authorization"));
  if (token === null) return null;
  const claims = deps.tokens.verifyAccess(token);
  // loadLiveSession in two halves: from memory without awaiting when the session cache can
  // answer (most protected calls), else from the database.
  const { user, session } =
    cachedLiveSession(deps, claims) ?? (await readLiveSession(deps, claims));
  const { id, createdAt, lastUsedAt, expiresAt } = session;
  const appClaims = readAccessClaims(accessClaims, claims.custom, user);
  return { user, session: { id, createdAt, lastUsedAt, expiresAt }, claims, appClaims };
};

/** The chain every request runs unless the adapter passes another: Bearer only. */
export const DEFAULT_AUTHENTICATORS: readonly Authenticator[] = [bearerAuthenticator];

/**
 * Runs the chain in order; the first authenticator that recognises the request decides, and
 * one that throws (a bad token) decides too. Null: nobody is calling (MISSING_TOKEN upstream).
 */
export function runAuthenticators(
  chain: readonly Authenticator[],
  deps: AppDeps,
  request: RequestInfo,
): Promise<Principal | null> {
  // The default chain, Bearer alone: its promise is the chain's, without a second async layer
  // that every protected call would wait on. (Promise.resolve hands a promise back as it is,
  // and makes one of what an authenticator not written as async returns or throws.)
  if (chain.length === 1) {
    try {
      return Promise.resolve((chain[0] as Authenticator)(deps, request));
    } catch (error) {
      return Promise.reject(error);
    }
  }
  return runInOrder(chain, deps, request);
}

async function runInOrder(
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
