// The kit_refresh cookie on the wire: read from Cookie, written as Set-Cookie.
import { describe, expect, it } from "vitest";
import {
  clearedPlantedPageCookies,
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
      "kit_refresh=a.b.c; Max-Age=3600; Path=/; HttpOnly; SameSite=Lax",
    );
    expect(refreshCookie("a.b.c", -5, { secure: true })).toBe(
      "__Host-kit_refresh=a.b.c; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax",
    );
    expect(clearedRefreshCookie({ secure: false })).toBe(
      "kit_refresh=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax",
    );
  });

  it("reads the token from a Cookie header, null when absent or empty", () => {
    expect(readRefreshCookie(new Headers({ cookie: "a=1; kit_refresh=t.o.k; b=2" }))).toBe("t.o.k");
    expect(readRefreshCookie(new Headers({ cookie: "a=1" }))).toBeNull();
    expect(readRefreshCookie(new Headers({ cookie: "kit_refresh=" }))).toBeNull();
    expect(readRefreshCookie(new Headers())).toBeNull();
  });

  it("over HTTPS reads only the __Host- cookie; over HTTP only the plain one", () => {
    const both = new Headers({ cookie: "__Host-kit_refresh=ours" });
    expect(readRefreshCookie(both, { secure: true })).toBe("ours");
    expect(readRefreshCookie(both, { secure: false })).toBeNull();
    expect(readRefreshCookie(both)).toBe("ours");
    // A plain cookie over HTTPS may come from a sibling subdomain: not ours, never read.
    const planted = new Headers({ cookie: "kit_refresh=theirs" });
    expect(readRefreshCookie(planted, { secure: true })).toBeNull();
    expect(readRefreshCookie(planted, { secure: false })).toBe("theirs");
  });

  it("refuses two copies of the cookie it reads, whichever comes first", () => {
    const refused = (cookie: string, secure: boolean | null) =>
      expect(() => readRefreshCookie(new Headers({ cookie }), { secure }), cookie).toThrow(
        expect.objectContaining({ code: "INVALID_TOKEN" }),
      );
    for (const secure of [false, null]) refused("kit_refresh=a; kit_refresh=b", secure);
    for (const secure of [true, null])
      refused("__Host-kit_refresh=a; __Host-kit_refresh=b", secure);
  });

  it("over HTTPS, lets no plain cookie beside ours stop it being read", () => {
    // A sibling subdomain can plant `kit_refresh` (Domain=the parent), never `__Host-kit_refresh`:
    // counting its copy would let it refuse every refresh of ours, and sign the user out.
    for (const cookie of [
      "__Host-kit_refresh=ours; kit_refresh=theirs",
      "kit_refresh=theirs; __Host-kit_refresh=ours; kit_refresh=again",
    ]) {
      expect(readRefreshCookie(new Headers({ cookie }), { secure: true }), cookie).toBe("ours");
      expect(readRefreshCookie(new Headers({ cookie }), { secure: null }), cookie).toBe("ours");
    }
    // Over HTTP ours is the plain one, and two plain copies cannot be told apart.
    expect(() =>
      readRefreshCookie(new Headers({ cookie: "kit_refresh=theirs; kit_refresh=ours" }), {
        secure: false,
      }),
    ).toThrow(expect.objectContaining({ code: "INVALID_TOKEN" }));
  });

  it("recognises the cookie-mode header, and nothing else", () => {
    expect(isCookieMode(new Headers({ "x-auth-refresh": "cookie" }))).toBe(true);
    expect(isCookieMode(new Headers({ "x-auth-refresh": " Cookie " }))).toBe(true);
    expect(isCookieMode(new Headers({ "x-auth-refresh": "body" }))).toBe(false);
    expect(isCookieMode(new Headers())).toBe(false);
  });

  it("deletes copies planted on a page's path and its parents, only when two are sent", () => {
    const two = new Headers({ cookie: "kit_refresh=planted; kit_refresh=ours" });
    expect(clearedPlantedPageCookies(two, "/admin/users")).toEqual([
      "kit_refresh=; Max-Age=0; Path=/admin",
      "kit_refresh=; Max-Age=0; Path=/admin/",
      "kit_refresh=; Max-Age=0; Path=/admin/users",
      "kit_refresh=; Max-Age=0; Path=/admin/users/",
    ]);
    expect(clearedPlantedPageCookies(new Headers({ cookie: "kit_refresh=ours" }), "/x")).toEqual(
      [],
    );
    expect(clearedPlantedPageCookies(new Headers(), "/x")).toEqual([]);
  });
});
