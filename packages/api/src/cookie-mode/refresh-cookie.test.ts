// The kit_refresh cookie on the wire: read from Cookie, written as Set-Cookie.
import { describe, expect, it } from "vitest";
import {
  clearedRefreshCookie,
  isCookieMode,
  REFRESH_COOKIE_PATH,
  readRefreshCookie,
  refreshCookie,
} from "./refresh-cookie";

describe("refresh cookie", () => {
  it("covers the whole site, so server-rendered pages can see who is signed in", () => {
    expect(REFRESH_COOKIE_PATH).toBe("/");
  });

  it("serialises with every attribute, Secure only when asked", () => {
    expect(refreshCookie("a.b.c", 3600.7, { secure: false })).toBe(
      "kit_refresh=a.b.c; Max-Age=3600; Path=/; HttpOnly; SameSite=Strict",
    );
    expect(refreshCookie("a.b.c", -5, { secure: true })).toBe(
      "kit_refresh=a.b.c; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Strict",
    );
    expect(clearedRefreshCookie({ secure: false })).toBe(
      "kit_refresh=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict",
    );
  });

  it("reads the token from a Cookie header, null when absent or empty", () => {
    expect(readRefreshCookie(new Headers({ cookie: "a=1; kit_refresh=t.o.k; b=2" }))).toBe("t.o.k");
    expect(readRefreshCookie(new Headers({ cookie: "a=1" }))).toBeNull();
    expect(readRefreshCookie(new Headers({ cookie: "kit_refresh=" }))).toBeNull();
    expect(readRefreshCookie(new Headers())).toBeNull();
  });

  it("recognises the cookie-mode header, and nothing else", () => {
    expect(isCookieMode(new Headers({ "x-auth-refresh": "cookie" }))).toBe(true);
    expect(isCookieMode(new Headers({ "x-auth-refresh": " Cookie " }))).toBe(true);
    expect(isCookieMode(new Headers({ "x-auth-refresh": "body" }))).toBe(false);
    expect(isCookieMode(new Headers())).toBe(false);
  });
});
