// The grace window of refresh rotation: a just-rotated token still counts, briefly, for the very
// client that rotated it. Rotation and server rendering apply the same rule.
import { hash } from "node:crypto";
import { FUTURE_IAT_TOLERANCE_SECONDS } from "@kit/auth";
import type { ClientInfo } from "../client-info";
import { rotationNow } from "../database-clock";
import type { AppDeps } from "../deps";
import { deviceOf } from "../device-marker";
import { clientKey } from "../rate-limit/keys";

/** A client known by its device marker: the fingerprint rotation records for it. */
export const deviceFingerprint = (deviceId: string) => `device:${deviceId}`;

/**
 * Who a client is, for the grace window's "only the client that rotated" rule: its device id
 * when it has a marker for this user; otherwise its address group (IPv4 address, IPv6 /64) and
 * user agent, hashed (the column holds no address in clear).
 */
export function clientFingerprint(client: ClientInfo, userId: string): string {
  const device = deviceOf(client.device, userId);
  if (device) return deviceFingerprint(device);
  const seen = `${clientKey(client.clientIp)}\n${client.userAgent ?? ""}`;
  return `client:${hash("sha256", seen, "hex").slice(0, 40)}`;
}

/** What the grace window reads of a session (sessionRotationSelect). */
export interface RotationTrail {
  previousJti: string | null;
  rotatedAt: Date | null;
  rotatedBy: string | null;
  /** The run of tokens the same client retired, oldest first, and when (see the schema). */
  retiredJtis: string[] | null;
  retiredAt: Date[] | null;
  /** The token presented to the latest rotation, when its answer never reached the client. */
  unansweredJti: string | null;
}

/**
 * How far ahead of this server's clock a retirement may lie and still count: another server's
 * clock may run a little ahead, by as much as a token's `iat` may. A time further ahead is no
 * proof of a recent rotation: without a bound, a retirement read hours in the future would be
 * inside the window for hours.
 */
export const RETIRED_AHEAD_TOLERANCE_MS = FUTURE_IAT_TOLERANCE_SECONDS * 1000;

/**
 * Whether a retirement at `at` (ms) is inside the window at `now`. A window of 0 is none: not
 * even a retirement at or a little ahead of `now` (the database's clock, as this server reckons
 * it, can lag the rotation's own time by a fraction of a millisecond), which otherwise counted.
 */
const inWindow = (at: number | undefined, now: number, graceMs: number): boolean =>
  graceMs > 0 && at !== undefined && now - at <= graceMs && at - now <= RETIRED_AHEAD_TOLERANCE_MS;

/**
 * True for a token retired by rotation, presented again inside the grace window (milliseconds
 * from its own retirement) by the very client that made the latest rotation (`fingerprint`):
 * the one just rotated out, or an older one of the same client's run (tabs loading at once each
 * rotate, and the slowest still carries a token from further back). Anyone else replaying one,
 * even a moment later, is a thief riding the window: that is reuse. So is any token retired
 * before another client's rotation (the run starts anew there).
 * The token presented to a rotation whose answer never reached its client (see
 * markUnanswered) counts for that client with no time limit, until the next rotation: it is
 * the newest token the client ever received.
 */
export function withinGrace(
  session: RotationTrail,
  jti: string,
  now: number,
  graceMs: number,
  fingerprint: string | null,
): boolean {
  if (fingerprint === null || session.rotatedBy !== fingerprint) return false;
  // Until the next rotation, which moves previous_jti on: servers of the release before the
  // mark rotate without clearing it (a rolling upgrade), and this still ends it then.
  if (session.unansweredJti === jti && session.previousJti === jti) return true;
  const rotatedAt = session.rotatedAt?.getTime();
  if (session.previousJti === jti) return inWindow(rotatedAt, now, graceMs);
  const index = session.retiredJtis?.lastIndexOf(jti) ?? -1;
  const retiredAt = index === -1 ? undefined : session.retiredAt?.[index]?.getTime();
  return inWindow(retiredAt, now, graceMs);
}

/**
 * True when rotation would carry the token `jti` on rather than call it reuse: the session's
 * current token, or one withinGrace honours for `fingerprint`, now (the database's clock).
 */
export function carriesOn(
  deps: AppDeps,
  session: RotationTrail & { refreshJti: string },
  jti: string,
  fingerprint: string | null,
): boolean {
  if (session.refreshJti === jti) return true;
  const graceMs = deps.sessions.refreshReuseGraceMs;
  return withinGrace(session, jti, rotationNow(deps), graceMs, fingerprint);
}
