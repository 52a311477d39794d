// What a request tells about its client, as procedures pass it on to services and the audit trail.
import type { Device } from "./device-marker";

export interface ClientInfo {
  userAgent: string | null;
  clientIp: string | null;
  /** The device marker the request presented, verified (see device-marker.ts). */
  device?: Device | null;
}

/** The client facts of a request context (or anything that carries them). */
export function clientOf(ctx: { clientIp: string | null; userAgent: string | null }): ClientInfo {
  return { clientIp: ctx.clientIp, userAgent: ctx.userAgent };
}
