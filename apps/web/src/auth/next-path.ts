// Where to go after signing in: only a path on this site, never another origin.

export const DEFAULT_AFTER_SIGN_IN = "/dashboard";

/** `value` when it is a local path ("/dashboard"), else the dashboard: no open redirect. */
export function safeNextPath(value: unknown): string {
  if (typeof value !== "string" || !value.startsWith("/")) return DEFAULT_AFTER_SIGN_IN;
  // Resolved as a browser would: "//evil.example", a backslash instead of a slash, or a tab or
  // newline in between (browsers drop those) all leave this origin. Only what stays is kept.
  const base = "http://this-site.invalid";
  try {
    const url = new URL(value, base);
    if (url.origin !== base) return DEFAULT_AFTER_SIGN_IN;
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return DEFAULT_AFTER_SIGN_IN;
  }
}

/** Pages that need a signed-in user: a session ending there goes back to sign in. */
export function isProtectedPath(pathname: string): boolean {
  return pathname === "/dashboard" || pathname.startsWith("/dashboard/");
}
