// The client facts a procedure passes on to services and the audit trail.
import type { Context } from "../context";
import type { ClientInfo } from "../services/sessions";

export function clientOf(ctx: Pick<Context, "clientIp" | "userAgent">): ClientInfo {
  return { clientIp: ctx.clientIp, userAgent: ctx.userAgent };
}
