// The device marker (OWASP's "device cookie"): a signed token the server hands a client at each
// successful sign-in, naming the user and a random device id. A client that presents it is one
// that signed in to this account before: it keeps its own login budget when others exhaust the
// account's, and only it may replay a just-rotated refresh token. In cookie mode it travels in
// an HttpOnly cookie; otherwise in the JSON body (`device`), which the client sends back.
import {
  DEVICE_COOKIE_NAME,
  isCookieMode,
  readCookie,
  setCookie,
} from "./cookie-mode/refresh-cookie";
import type { AppDeps } from "./deps";
import { isHttpsOrigin } from "./request/request-origin";

/** A year: renewed at every sign-in, so a device in use never loses it. */
export const DEVICE_MARKER_TTL = 365 * 24 * 3600;

/** A verified marker: the device id, and the user it was issued to. */
export interface Device {
  userId: string;
  deviceId: string;
}

/** What the marker needs of a request context: its deps, headers, origin and response headers. */
interface DeviceContext {
  deps: AppDeps;
  headers: Headers;
  origin(): string | null;
  responseHeaders: Headers;
}

function verified(deps: AppDeps, token: string | null | undefined): Device | null {
  if (!token) return null;
  try {
    const claims = deps.tokens.verifyDevice(token);
    return { userId: claims.sub, deviceId: claims.did };
  } catch {
    // A bad marker is never an error: it only means "a device we do not know".
    return null;
  }
}

/**
 * The device the request proves, or null: no marker, or one that does not verify (expired, bad
 * signature, two cookies). The body's marker wins; the cookie is read in cookie mode only.
 */
export function presentedDevice(
  ctx: DeviceContext,
  input: { device?: string | null } | null | undefined,
): Device | null {
  if (input?.device) return verified(ctx.deps, input.device);
  if (!isCookieMode(ctx.headers)) return null;
  return deviceFromCookie(ctx.deps, ctx.headers, isHttpsOrigin(ctx.origin()));
}

/** The device the request's cookie proves (server components: `secure` null when unknown). */
export function deviceFromCookie(
  deps: AppDeps,
  headers: Headers,
  secure: boolean | null,
): Device | null {
  try {
    return verified(deps, readCookie(headers, DEVICE_COOKIE_NAME, { secure }));
  } catch {
    return null;
  }
}

/** The device id `device` stands for when it was issued to `userId`; else null. */
export function deviceOf(device: Device | null | undefined, userId: string): string | null {
  return device && device.userId === userId ? device.deviceId : null;
}

/**
 * A fresh marker for `userId` (keeping `deviceId` when the client already had one for this user),
 * set as a cookie in cookie mode (the body then says `device: null`) or returned for the body.
 */
export function deliverDevice(
  ctx: DeviceContext,
  userId: string,
  deviceId: string | null,
): string | null {
  const marker = ctx.deps.tokens.issueDevice({
    userId,
    deviceId: deviceId ?? undefined,
    ttl: DEVICE_MARKER_TTL,
  });
  if (!isCookieMode(ctx.headers)) return marker.token;
  const secure = isHttpsOrigin(ctx.origin());
  ctx.responseHeaders.append(
    "set-cookie",
    setCookie(DEVICE_COOKIE_NAME, marker.token, DEVICE_MARKER_TTL, { secure }),
  );
  return null;
}
