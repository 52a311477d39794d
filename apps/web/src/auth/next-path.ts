// Where to go after signing in: only a path on this site, never another origin.

export const DEFAULT_AFTER_SIGN_IN = "/dashboard";

/** `value` when it is a local path ("/dashboard"), else the dashboard: no open redirect. */
export function safeNextPath(value: unknown): string {
  if (typeof value !== "string") return DEFAULT_AFTER_SIGN_IN;
  // "//evil.example" and "/\evil.example" are other origins to a browser.
  if (!value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) {
    return DEFAULT_AFTER_SIGN_IN;
  }
  return value;
}

/** Pages that need a signed-in user: a session ending there goes back to sign in. */
export function isProtectedPath(pathname: string): boolean {
  return pathname === "/dashboard" || pathname.startsWith("/dashboard/");
}
