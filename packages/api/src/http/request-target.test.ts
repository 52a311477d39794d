import type { IncomingHttpHeaders } from "node:http";
import { describe, expect, it } from "vitest";
import { toOriginForm } from "./request-target";

function requestOf(url: string, method = "GET") {
  return { method, url, headers: { host: "app.example" } as IncomingHttpHeaders };
}

describe("toOriginForm", () => {
  it("leaves a path alone", () => {
    const req = requestOf("/api/trpc/auth.me?input=%7B%7D");
    expect(toOriginForm(req)).toBe("route");
    expect(req).toEqual(requestOf("/api/trpc/auth.me?input=%7B%7D"));
  });

  it.each([
    ["http://evil.example/dashboard", "/dashboard", "evil.example"],
    ["HTTPS://App.Example:8443/a/../b?x=1", "/a/../b?x=1", "App.Example:8443"],
    ["http://app.example", "/", "app.example"],
    ["http://app.example?next=/x", "/?next=/x", "app.example"],
    ["http://[::1]:3000/api/health", "/api/health", "[::1]:3000"],
  ])("rewrites %s to its path, the Host header to its authority", (target, path, host) => {
    const req = requestOf(target);
    expect(toOriginForm(req)).toBe("route");
    expect(req.url).toBe(path);
    expect(req.headers.host).toBe(host);
  });

  it.each(["TRACE", "TRACK", "CONNECT"])(
    "refuses %s, which no Fetch Request can carry",
    (method) => {
      expect(toOriginForm(requestOf("/api/trpc/auth.me", method))).toBe("unserved-method");
      expect(toOriginForm(requestOf("/", method))).toBe("unserved-method");
    },
  );

  it("tells OPTIONS * apart, and refuses the asterisk with any other method", () => {
    expect(toOriginForm(requestOf("*", "OPTIONS"))).toBe("server-options");
    expect(toOriginForm(requestOf("*", "GET"))).toBe("bad");
  });

  it.each([
    "foo",
    "app.example:443",
    "ftp://app.example/x",
    "http:///dashboard",
    "http://user:pass@app.example/x",
    "http://app.example/x#part",
    "http://exa mple/x",
  ])("refuses %s, changing nothing", (target) => {
    const req = requestOf(target);
    expect(toOriginForm(req)).toBe("bad");
    expect(req).toEqual(requestOf(target));
  });

  it.each([
    "exa mple",
    "app.example/x",
    "[::1",
    "app.example:99999",
    "user@app.example",
    "",
    "é.example",
    "a\\b",
  ])("refuses a path whose Host header %j names no host", (host) => {
    const req = { ...requestOf("/api/trpc/auth.me"), headers: { host } };
    expect(toOriginForm(req)).toBe("bad-host");
  });

  it.each(["app.example", "APP.example:8443", "[::1]:3000", "127.0.0.1", undefined])(
    "routes a path with the Host header %j",
    (host) => {
      expect(toOriginForm({ ...requestOf("/"), headers: { host } })).toBe("route");
    },
  );

  it("judges each Host anew: one that passed lets no other through after it", () => {
    const call = (host: string) => toOriginForm({ ...requestOf("/api/health"), headers: { host } });
    expect(call("app.example")).toBe("route");
    expect(call("app.example")).toBe("route");
    expect(call("app.example/x")).toBe("bad-host");
    expect(call("app.example/x")).toBe("bad-host");
    expect(call("app.example ")).toBe("bad-host");
    expect(call("app.example")).toBe("route");
  });

  it("refuses a request with two Host lines, whichever Node kept", () => {
    const req = {
      ...requestOf("/api/health"),
      rawHeaders: ["Host", "app.example", "accept", "*/*", "HOST", "exa mple"],
    };
    expect(toOriginForm(req)).toBe("bad-host");
    const once = { ...requestOf("/api/health"), rawHeaders: ["Host", "app.example"] };
    expect(toOriginForm(once)).toBe("route");
  });

  it("refuses a request with two Authorization lines, in origin or absolute form", () => {
    const twice = ["Host", "app.example", "Authorization", "Bearer a", "authorization", "Bearer b"];
    expect(toOriginForm({ ...requestOf("/api/trpc/auth.me"), rawHeaders: twice })).toBe(
      "two-authorizations",
    );
    expect(
      toOriginForm({ ...requestOf("http://app.example/api/trpc/auth.me"), rawHeaders: twice }),
    ).toBe("two-authorizations");
    const once = ["Host", "app.example", "Authorization", "Bearer a"];
    expect(toOriginForm({ ...requestOf("/api/trpc/auth.me"), rawHeaders: once })).toBe("route");
  });

  it("takes two Host lines as bad before two Authorizations; an absolute target replaces both Hosts", () => {
    const both = ["Authorization", "Bearer a", "Host", "a.example", "authorization", "Bearer b"];
    both.push("host", "b.example");
    expect(toOriginForm({ ...requestOf("/api/trpc/auth.me"), rawHeaders: both })).toBe("bad-host");
    const hosts = ["Host", "a.example", "host", "b.example"];
    expect(toOriginForm({ ...requestOf("http://app.example/api/health"), rawHeaders: hosts })).toBe(
      "route",
    );
  });
});
