// The request's own origin: from its URL, and from forwarding headers only behind trusted proxies.
import { describe, expect, it } from "vitest";
import { isHttpsOrigin, isHttpsRequest, normaliseOrigin, requestOrigin } from "./request-origin";

const headers = (init: Record<string, string> = {}) => new Headers(init);

describe("requestOrigin", () => {
  it("is the URL's scheme, host and port, default ports dropped", () => {
    const url = "http://127.0.0.1:3000/api/trpc/auth.refresh?batch=1";
    expect(requestOrigin({ url, headers: headers(), trustProxy: 0 })).toBe("http://127.0.0.1:3000");
    expect(
      requestOrigin({ url: "https://App.Example.com:443/x", headers: headers(), trustProxy: 0 }),
    ).toBe("https://app.example.com");
  });

  it("takes the host from the Host header, as the browser addressed it", () => {
    const url = "http://localhost:3000/api/trpc/auth.refresh";
    const host = headers({ host: "127.0.0.1:3000" });
    expect(requestOrigin({ url, headers: host, trustProxy: 0 })).toBe("http://127.0.0.1:3000");
    // A Host that is no host at all gives no origin, so nothing can match it.
    const junk = headers({ host: "a b/c" });
    expect(requestOrigin({ url, headers: junk, trustProxy: 0 })).toBeNull();
  });

  it("is null without a URL or for a URL that is not http(s)", () => {
    expect(requestOrigin({ url: null, headers: headers(), trustProxy: 0 })).toBeNull();
    expect(requestOrigin({ url: "not a url", headers: headers(), trustProxy: 0 })).toBeNull();
    expect(requestOrigin({ url: "ftp://host/x", headers: headers(), trustProxy: 0 })).toBeNull();
  });

  it("ignores X-Forwarded-* unless proxies are trusted", () => {
    const forwarded = headers({ "x-forwarded-proto": "https", "x-forwarded-host": "evil.example" });
    const url = "http://localhost:3000/api/trpc/x";
    expect(requestOrigin({ url, headers: forwarded, trustProxy: 0 })).toBe("http://localhost:3000");
    expect(requestOrigin({ url, headers: forwarded, trustProxy: 1 })).toBe("https://evil.example");
  });

  it("takes the value the outermost trusted proxy wrote", () => {
    const url = "http://10.0.0.5:3000/x";
    const appended = headers({ "x-forwarded-proto": "http, https, http" });
    expect(requestOrigin({ url, headers: appended, trustProxy: 2 })).toBe("https://10.0.0.5:3000");
    // A proxy that replaced the header leaves fewer entries: all of them are ours.
    const replaced = headers({ "x-forwarded-proto": "https" });
    expect(requestOrigin({ url, headers: replaced, trustProxy: 2 })).toBe("https://10.0.0.5:3000");
  });
});

describe("normaliseOrigin and isHttpsOrigin", () => {
  it("accepts only a bare http(s) origin", () => {
    expect(normaliseOrigin("https://a.example:8443")).toBe("https://a.example:8443");
    expect(normaliseOrigin("null")).toBeNull();
    expect(normaliseOrigin("https://a.example/path")).toBeNull();
    expect(normaliseOrigin("https://user@a.example")).toBeNull();
    expect(normaliseOrigin(undefined)).toBeNull();
    expect(isHttpsOrigin("https://a.example")).toBe(true);
    expect(isHttpsOrigin("http://a.example")).toBe(false);
    expect(isHttpsOrigin(null)).toBe(false);
  });
});

describe("isHttpsRequest", () => {
  // Next.js writes the client's own X-Forwarded-Proto into request.url: what the proxy sees.
  const url = "https://localhost:3000/dashboard";
  const spoofed = headers({ "x-forwarded-proto": "https", host: "127.0.0.1:3000" });

  it("believes the connection, not the URL a client's X-Forwarded-Proto shaped", () => {
    const plain = { encrypted: false };
    expect(isHttpsRequest({ url, headers: spoofed, trustProxy: 0, connection: plain })).toBe(false);
    const tls = { encrypted: true };
    const http = "http://localhost:3000/dashboard";
    expect(isHttpsRequest({ url: http, headers: headers(), trustProxy: 0, connection: tls })).toBe(
      true,
    );
  });

  it("counts X-Forwarded-Proto only when it comes from a trusted proxy", () => {
    const plain = { encrypted: false };
    expect(isHttpsRequest({ url, headers: spoofed, trustProxy: 1, connection: plain })).toBe(true);
    const appended = headers({ "x-forwarded-proto": "https, http", host: "app.example" });
    expect(isHttpsRequest({ url, headers: appended, trustProxy: 1, connection: plain })).toBe(
      false,
    );
  });

  it("falls back to the URL where no server saw the connection", () => {
    expect(isHttpsRequest({ url, headers: headers(), trustProxy: 1, connection: null })).toBe(true);
  });
});
