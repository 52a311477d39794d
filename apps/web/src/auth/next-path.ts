// Where to go after signing in: only a path on this site, never another origin.

export const DEFAULT_AFTER_SIGN_IN = "/dashboard";

/**
 * Where signing in leads nowhere useful: the sign-in and sign-up forms themselves (the person,
 * signed in, would face the form again) and the API (a raw answer, not a page).
 */
const NOT_AFTER_SIGN_IN = ["/login", "/register", "/api"];

/**
 * `value` when it is a local page ("/dashboard"), else the dashboard: no open redirect, and
 * never back to a sign-in form or into the API.
 */
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
  // Compared decoded, as the router matches it ("/%6cogin" is the sign-in page too).
  const pathname = decodedOrNull(new URL(path, base).pathname);
  if (pathname === null || NOT_AFTER_SIGN_IN.some((page) => isAtOrBelow(pathname, page))) {
    return DEFAULT_AFTER_SIGN_IN;
  }
  return path;
}

function decodedOrNull(pathname: string): string | null {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return null;
  }
}

function isAtOrBelow(pathname: string, page: string): boolean {
  return pathname === page || pathname.startsWith(`${page}/`);
}

/** Pages that need a signed-in user: a session ending there goes back to sign in. */
export function isProtectedPath(pathname: string): boolean {
  return ["/dashboard", "/admin"].some((page) => isAtOrBelow(pathname, page));
}

/** `page` (the sign-in or sign-up form) going on to `next` afterwards; bare for the default. */
export function formPathFor(page: "/login" | "/register", next: string): string {
  return next === DEFAULT_AFTER_SIGN_IN ? page : `${page}?next=${encodeURIComponent(next)}`;
}
