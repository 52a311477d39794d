// Display helpers for sessions and events.
import type { AuthEventType } from "@kit/api/wire";

/** "Chrome on Linux" from a user agent; the raw string is too long to read. */
export function describeDevice(userAgent: string | null): string {
  if (!userAgent) return "Unknown device";
  const browser = /Edg\//.test(userAgent)
    ? "Edge"
    : /Firefox\//.test(userAgent)
      ? "Firefox"
      : /Chrom(e|ium)\//.test(userAgent)
        ? "Chrome"
        : /Safari\//.test(userAgent)
          ? "Safari"
          : /curl\//.test(userAgent)
            ? "curl"
            : "Browser";
  const system = /Windows/.test(userAgent)
    ? "Windows"
    : /Android/.test(userAgent)
      ? "Android"
      : /iPhone|iPad/.test(userAgent)
        ? "iOS"
        : /Mac OS X/.test(userAgent)
          ? "macOS"
          : /Linux/.test(userAgent)
            ? "Linux"
            : null;
  return system ? `${browser} on ${system}` : browser;
}

export function formatTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** As formatTime, to the second: two sign-ins from one device in one minute still differ. */
export function formatTimeToSecond(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium" });
}

/**
 * A session's short reference, the end of its id ("4f0c2a"): rows that agree on device, address
 * and time still differ by it, and the same session shows the same one on every page.
 */
export function sessionRef(id: string): string {
  return id.slice(-6);
}

/**
 * One session in words, for a control that acts on it (its accessible name):
 * "Chrome on Linux, 127.0.0.1, signed in 3 Dec 2026, 21:04:05, ID 4f0c2a".
 */
export function describeSession(session: {
  id: string;
  userAgent: string | null;
  ip: string | null;
  createdAt: string;
}): string {
  return [
    describeDevice(session.userAgent),
    session.ip ?? "unknown address",
    `signed in ${formatTimeToSecond(session.createdAt)}`,
    `ID ${sessionRef(session.id)}`,
  ].join(", ");
}

// Every type the server records (a new one is a compile error here until it has its words).
const EVENT_LABELS: Record<AuthEventType, string> = {
  login_succeeded: "Signed in",
  login_failed: "Failed sign-in attempt",
  registered: "Account created",
  refreshed: "Session refreshed",
  reuse_detected: "Reuse of an old token detected: session ended",
  logged_out: "Signed out",
  session_revoked: "Session revoked",
  logged_out_all: "Signed out everywhere",
  password_changed: "Password changed",
  password_change_failed: "Failed password change (wrong current password)",
  rate_limited: "Too many attempts",
  refresh_replayed: "Session refreshed (a second tab at the same time)",
  user_created: "Account created by an operator",
  user_deactivated: "Account deactivated by an operator",
  user_reactivated: "Account reactivated by an operator",
  role_set_admin: "Made an admin by an operator",
  role_set_user: "Admin role removed by an operator",
  user_unlocked: "Sign-in locks cleared by an operator",
  demo_session_ended: "Demo session ended: this server refuses the demo accounts",
  admin_deactivated_user: "Account deactivated by an admin",
  admin_reactivated_user: "Account reactivated by an admin",
  admin_revoked_session: "Session revoked by an admin",
  admin_revoked_sessions: "All sessions revoked by an admin",
  admin_unlocked_user: "Sign-in locks cleared by an admin",
  role_changed: "Role changed by an operator",
};

/** Every event type the audit trail records, for filters. */
export const EVENT_TYPES = Object.keys(EVENT_LABELS) as readonly AuthEventType[];

export function describeEvent(type: string): string {
  // A type this page does not know (a newer server): shown as it is.
  return (EVENT_LABELS as Record<string, string | undefined>)[type] ?? type;
}
