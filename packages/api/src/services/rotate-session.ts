// Refresh rotation: exchange a refresh token for a new pair, replay inside the grace window, or
// revoke the session on reuse.
import { AuthError, type RefreshClaims } from "@kit/auth";
import { isDatabaseUnavailable, type SessionRotation, type UserIdentity } from "@kit/db";
import { accessClaims } from "../access-claims";
import { recordEvent } from "../audit";
import { presentedCandidate } from "../authentication/candidates";
import { clientFingerprint, withinGrace } from "../authentication/grace";
import {
  type LiveSession,
  loadLiveSession,
  notEnded,
  reloadSession,
} from "../authentication/live-session";
import type { ClientInfo } from "../client-info";
import { rotationNow } from "../database-clock";
import type { AppDeps } from "../deps";
import { databaseUnavailable, RotationInDoubt } from "../errors";
import { isUuid } from "../uuid";
import { revokeForReuse } from "./revoke-for-reuse";
import type { TokenPair } from "./sessions";
import { neverSent, type SwapResult, swapRefresh } from "./swap-refresh";
import {
  awaitMark,
  markUnanswered,
  markWaitingNow,
  noteDatabaseTrouble,
  sawDatabaseTroubleLately,
} from "./unanswered-rotations";

const seconds = (ms: number) => Math.floor(ms / 1000);

/**
 * A swap that took this long (ms) waited on its session's row: another transaction held it, as
 * a swap whose commit a synchronous standby or fsync holds does. Usual swaps take milliseconds.
 */
const ROW_WAIT_MS = 500;

/**
 * Exchanges a refresh token for a new pair (rotation). The swap is one conditional UPDATE on the
 * session's current jti, so of any number of concurrent refreshes with one token exactly one
 * mints a new token. The others, and a retry after a lost response, find their token as the
 * session's previous jti within the grace window and get the pair the winner got: one chain.
 * Any other non-current token is reuse (RFC 9700 §4.14.2): the whole session is revoked.
 *
 * The usual refresh is one statement (see swapRefresh): checks, swap and audit row in one round
 * trip, shared with the refreshes running at the same time. Only when it changes nothing does
 * the session get read, to tell which case it is.
 */
export async function rotateSession(
  deps: AppDeps,
  refreshToken: string,
  client: ClientInfo,
  /** The request's: aborted when the client went away before its answer (see markUnanswered). */
  signal?: AbortSignal,
  /**
   * Refresh tokens an earlier try with `refreshToken` was answered 503 with (RotationInDoubt):
   * one that is the session's current (or previous) token is refreshed instead (see
   * presentedCandidate).
   */
  candidates: readonly string[] = [],
): Promise<TokenPair> {
  let claims: RefreshClaims;
  try {
    claims = deps.tokens.verifyRefresh(refreshToken);
  } catch (error) {
    const lately = lateInGrace(deps, refreshToken, error);
    if (!lately) throw error;
    return replayExpired(deps, lately, client);
  }
  // Ids are UUID columns: anything else cannot name a row, and must not reach the database.
  if (!isUuid(claims.sub)) throw new AuthError("USER_NOT_FOUND");
  if (!isUuid(claims.sid)) throw new AuthError("TOKEN_REVOKED");
  const now = rotationNow(deps);
  const fingerprint = clientFingerprint(client, claims.sub);
  // A jti we did not mint as a UUID can never be current: the slow path calls it reuse.
  let waitedOnRow = false;
  if (isUuid(claims.jti)) {
    const started = performance.now();
    // Minted before the swap, not capped: the session's cap is not known yet. The statement
    // refuses a token that would outlive the cap, and says what the cap is.
    let rotated = await rotateOnce(deps, claims, now, fingerprint, client, undefined, signal);
    const cap = rotated.swapped ? null : rotated.absoluteExpiresAt?.getTime();
    if (!rotated.swapped && cap && cap < rotated.mintedExpiresAt && seconds(cap) > seconds(now)) {
      // The cap may be why (the session could also be over): once more, held to the cap.
      rotated = await rotateOnce(deps, claims, now, fingerprint, client, seconds(cap), signal);
    }
    if (rotated.swapped) return rotated.pair;
    waitedOnRow = performance.now() - started >= ROW_WAIT_MS;
  }
  const current = await loadLiveSession(deps, claims, { for: "rotation" });
  // An earlier try's swap took after all (its 503 carried the token it put in): that token is
  // this client's, and it is refreshed as if presented. Before the grace window and the marks,
  // which need timing; this needs none.
  const taken = presentedCandidate(deps, claims, candidates, current.session);
  if (taken) return rotateSession(deps, taken, client, signal);
  return rotateSlowly(deps, claims, current, now, fingerprint, client, signal, waitedOnRow);
}

type Rotation =
  | { swapped: true; pair: TokenPair }
  | { swapped: false; absoluteExpiresAt: Date | null; mintedExpiresAt: number };

/** Mints the next refresh token and swaps it in (one statement); the pair when it took. */
async function rotateOnce(
  deps: AppDeps,
  claims: RefreshClaims,
  now: number,
  fingerprint: string,
  client: ClientInfo,
  notAfter: number | undefined,
  signal: AbortSignal | undefined,
): Promise<Rotation> {
  // iat from the same instant as rotatedAt, so the grace path can re-create the token exactly
  // while the window itself is kept to the millisecond.
  const next = deps.tokens.issueRefresh({
    userId: claims.sub,
    sessionId: claims.sid,
    notAfter,
    issuedAt: seconds(now),
  });
  const nextExpiresAt = next.claims.exp * 1000;
  const unanswered = {
    sessionId: claims.sid,
    jti: claims.jti,
    nextJti: next.claims.jti,
    fingerprint,
    untilMs: claims.exp * 1000,
  };
  let result: SwapResult;
  try {
    result = await swapRefresh(deps, {
      userId: claims.sub,
      sessionId: claims.sid,
      jti: claims.jti,
      nextJti: next.claims.jti,
      nextExpiresAtMs: nextExpiresAt,
      fingerprint,
      nowMs: now,
      client,
    });
  } catch (error) {
    // The swap may have committed all the same (its answer lost, its commit late), and the
    // client, answered an error, keeps `claims.jti`: keep that token good for it. Unless it
    // never left: during an outage most fail so, and would crowd out the ones that matter.
    const sent = !neverSent(error);
    if (sent) markUnanswered(deps, unanswered);
    noteDatabaseTrouble(deps);
    // The client is told what the swap would have put in: with it, a retry on any server gets
    // the outcome without the mark.
    if (sent && isDatabaseUnavailable(error)) {
      throw new RotationInDoubt(error, { token: next.token, exp: next.claims.exp });
    }
    throw error;
  }
  // The client went away while the swap ran (a proxy that gave up before us, a closed tab):
  // the new pair reaches nobody, and the client keeps `claims.jti` as above.
  if (result.swapped && signal?.aborted) markUnanswered(deps, unanswered);
  if (!result.swapped) {
    if (result.late) throw databaseUnavailable();
    return { ...result, mintedExpiresAt: nextExpiresAt };
  }
  const access = deps.tokens.issueAccess({
    userId: result.user.id,
    email: result.user.email,
    sessionId: claims.sid,
    custom: accessClaims.issue(result.user),
    // The swap took, so this is within the session's cap: the access token ends with it.
    notAfter: next.claims.exp,
  });
  return {
    swapped: true,
    pair: { access: access.token, refresh: next.token, refreshExp: next.claims.exp },
  };
}

/**
 * The swap changed nothing: a missing or inactive user, a session that is over, a lost race,
 * a replay inside the grace window, or reuse. The session, read by loadLiveSession in the
 * contract's order (USER_NOT_FOUND, then TOKEN_REVOKED), tells which. It was read after the
 * swap, so it already shows what a rotation that won the race wrote (a swap that loses waits
 * for the winner's commit).
 */
async function rotateSlowly(
  deps: AppDeps,
  claims: RefreshClaims,
  { user, session }: LiveSession<SessionRotation>,
  now: number,
  fingerprint: string,
  client: ClientInfo,
  signal: AbortSignal | undefined,
  /** The swap waited on the session's row (see ROW_WAIT_MS). */
  waitedOnRow: boolean,
): Promise<TokenPair> {
  let current: SessionRotation | null = session;
  if (session.refreshJti === claims.jti) {
    // Current after all (the user was re-activated between the two reads, say): swap now.
    const notAfter = seconds(session.absoluteExpiresAt.getTime());
    const rotated = await rotateOnce(deps, claims, now, fingerprint, client, notAfter, signal);
    if (rotated.swapped) return rotated.pair;
    // Lost a race this time: look again at what the session holds now.
    current = notEnded(await reloadSession(deps, session.id));
  }
  // Read again: the swap above has read the database's clock if nothing had before.
  const honoured = (trail: SessionRotation) =>
    withinGrace(
      trail,
      claims.jti,
      rotationNow(deps),
      deps.sessions.refreshReuseGraceMs,
      fingerprint,
    );
  let replay = honoured(current);
  if (!replay && (await markWaitingNow(deps, current.id, claims.jti))) {
    // This server gave up on that very rotation and had not marked it yet (its commit went
    // through a moment ago, say): marked now, the token is still its client's.
    current = notEnded(await reloadSession(deps, current.id));
    replay = honoured(current);
  }
  const sameRotation = current.previousJti === claims.jti && current.rotatedBy === fingerprint;
  if (!replay && sameRotation && (waitedOnRow || sawDatabaseTroubleLately(deps))) {
    // The swap waited on the row until a rotation of this very token committed, or this server
    // met the database in trouble lately: the rotation may be one whose commit was held (a
    // synchronous standby, fsync) on a server that gave up on it and answered its client 503.
    // That server marks it as soon as its marker runs again; this is likely that client's
    // retry, so wait for the mark rather than call it reuse (another client's replay is not
    // waited for: the mark would not count for it).
    current = notEnded(await awaitMark(deps, current.id, claims.jti));
    replay = honoured(current);
  }
  const rotatedAt = current.rotatedAt?.getTime();
  if (replay && rotatedAt !== undefined)
    return replayCurrent(deps, user, current, rotatedAt, client);
  await revokeForReuse(deps, { sessionId: current.id, userId: user.id }, client);
  throw new AuthError("TOKEN_REUSED");
}

/**
 * A replay the grace window honours: the session's current pair, no new token. Recorded as
 * `refresh_replayed`.
 */
async function replayCurrent(
  deps: AppDeps,
  user: UserIdentity,
  current: SessionRotation,
  /** When the session was last rotated (ms): the current token's iat. */
  rotatedAt: number,
  client: ClientInfo,
): Promise<TokenPair> {
  await recordEvent(deps, {
    type: "refresh_replayed",
    userId: user.id,
    sessionId: current.id,
    client,
  });
  const notAfter = seconds(current.absoluteExpiresAt.getTime());
  // No new token: the session's current one, re-signed from the same claims (the identical
  // string with HS256 and RS256; PS256 and ES256 signatures are randomised, the claims not).
  const refresh = deps.tokens.issueRefresh({
    userId: user.id,
    sessionId: current.id,
    jti: current.refreshJti,
    notAfter,
    issuedAt: seconds(rotatedAt),
  });
  const access = deps.tokens.issueAccess({
    userId: user.id,
    email: user.email,
    sessionId: current.id,
    custom: accessClaims.issue(user),
    notAfter,
  });
  return { access: access.token, refresh: refresh.token, refreshExp: refresh.claims.exp };
}

/**
 * The claims of a refresh token past its `exp` by no more than the grace window, when that is
 * why verification refused it (`error`); null otherwise. Such a token may have been rotated out
 * in its last moments (a second tab's refresh sent at once, arriving late): the grace window
 * honours it for the client that rotated it, as it would a second earlier.
 */
function lateInGrace(deps: AppDeps, token: string, error: unknown): RefreshClaims | null {
  const graceMs = deps.sessions.refreshReuseGraceMs;
  if (!(error instanceof AuthError) || error.code !== "TOKEN_EXPIRED" || graceMs <= 0) {
    return null;
  }
  try {
    return deps.tokens.verifyRefresh(token, { expiredFor: Math.ceil(graceMs / 1000) });
  } catch {
    return null;
  }
}

/**
 * A token past its `exp` (lateInGrace): only a replay inside the grace window, measured from its
 * rotation, by the client that rotated it. Anything else is what verification said, expired:
 * never a rotation, never reuse (an expired token proves nothing), and no unanswered mark (a
 * mark keeps a token good until its `exp`, not past it).
 */
async function replayExpired(
  deps: AppDeps,
  claims: RefreshClaims,
  client: ClientInfo,
): Promise<TokenPair> {
  if (!isUuid(claims.sub) || !isUuid(claims.sid)) throw new AuthError("TOKEN_EXPIRED");
  const { user, session } = await loadLiveSession(deps, claims, { for: "rotation" });
  const inWindow = withinGrace(
    { ...session, unansweredJti: null },
    claims.jti,
    rotationNow(deps),
    deps.sessions.refreshReuseGraceMs,
    clientFingerprint(client, claims.sub),
  );
  const rotatedAt = session.rotatedAt?.getTime();
  if (!inWindow || rotatedAt === undefined) throw new AuthError("TOKEN_EXPIRED");
  return replayCurrent(deps, user, session, rotatedAt, client);
}
