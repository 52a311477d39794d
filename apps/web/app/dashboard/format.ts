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
  rate_limited: "Too many attempts",
  refresh_replayed: "Session refreshed (a second tab at the same time)",
  user_created: "Account created by an operator",
  user_deactivated: "Account deactivated by an operator",
  user_reactivated: "Account reactivated by an operator",
  role_changed: "Role changed by an operator",
  admin_deactivated_user: "Account deactivated by an admin",
  admin_reactivated_user: "Account reactivated by an admin",
  admin_revoked_session: "Session revoked by an admin",
  admin_revoked_sessions: "All sessions revoked by an admin",
};

/** Every event type the audit trail records, for filters. */
export const EVENT_TYPES: readonly string[] = Object.keys(EVENT_LABELS);

export function describeEvent(type: string): string {
  // A type this page does not know (a newer server): shown as it is.
  return (EVENT_LABELS as Record<string, string | undefined>)[type] ?? type;
}
