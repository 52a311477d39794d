// The grace window of refresh rotation: a just-rotated token still counts, briefly, for the very
// client that rotated it. Rotation and server rendering apply the same rule.
import { hash } from "node:crypto";
import type { ClientInfo } from "../client-info";
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

/**
 * True for the token just rotated out, presented again inside the grace window (measured in
 * milliseconds from the rotation) by the very client that rotated it (`fingerprint`). Anyone
 * else replaying it, even a moment later, is a thief riding the window: that is reuse.
 */
export function withinGrace(
  session: { previousJti: string | null; rotatedAt: Date | null; rotatedBy: string | null },
  jti: string,
  now: number,
  graceMs: number,
  fingerprint: string | null,
): boolean {
  const rotatedAt = session.rotatedAt?.getTime();
  return (
    session.previousJti === jti &&
    rotatedAt !== undefined &&
    now - rotatedAt <= graceMs &&
    fingerprint !== null &&
    session.rotatedBy === fingerprint
  );
}
