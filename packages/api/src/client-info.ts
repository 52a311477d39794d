// What a request tells about its client, as procedures pass it on to services and the audit trail.
import type { Device } from "./device-marker";

export interface ClientInfo {
  userAgent: string | null;
  clientIp: string | null;
  /** The device marker the request presented, verified (see device-marker.ts). */
  device?: Device | null;
  /**
   * The request named this machine in its Host and came through no proxy (fromThisMachine):
   * the demo accounts sign in only then.
   */
  fromThisMachine?: boolean;
}

/**
 * The client facts of a request context (or anything that carries them), with the device marker
 * it presented when given. (One literal: on Node 20 a property added to a spread copy, as in
 * `{ ...clientOf(ctx), device }`, costs ~1.5 µs; see packages/bench/PERFORMANCE.md.)
 */
export function clientOf(
  ctx: { clientIp: string | null; userAgent: string | null },
  device?: Device | null,
): ClientInfo {
  return device === undefined
    ? { clientIp: ctx.clientIp, userAgent: ctx.userAgent }
    : { clientIp: ctx.clientIp, userAgent: ctx.userAgent, device };
}
