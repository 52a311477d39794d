// Where to go after signing in: only a path on this site, never another origin.

export const DEFAULT_AFTER_SIGN_IN = "/dashboard";

/** `value` when it is a local path ("/dashboard"), else the dashboard: no open redirect. */
export function safeNextPath(value: unknown): string {
  if (typeof value !== "string" || !value.startsWith("/")) return DEFAULT_AFTER_SIGN_IN;
  // Resolved as a browser would: "//evil.example", a backslash instead of a slash, or a tab or
  // newline in between (browsers drop those) all leave this origin. Only what stays is kept.
  const base = "http://this-site.invalid";
  let path: string;
  try {
    const url = new URL(value, base);
    if (url.origin !== base) return DEFAULT_AFTER_SIGN_IN;
    path = `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return DEFAULT_AFTER_SIGN_IN;
  }
  // The browser resolves this path once more when it navigates. "/.//evil.example",
  // "/%2e%2e//evil.example" and "/a/..//evil.example" parse as this origin, but with their dot
  // segments resolved they read "//evil.example": to the browser, another host. So a result
  // that starts scheme-relative, with either slash, is refused.
  if (path.startsWith("//") || path.startsWith("/\\")) return DEFAULT_AFTER_SIGN_IN;
  return path;
}

/** Pages that need a signed-in user: a session ending there goes back to sign in. */
export function isProtectedPath(pathname: string): boolean {
  return ["/dashboard", "/admin"].some(
    (page) => pathname === page || pathname.startsWith(`${page}/`),
  );
}
