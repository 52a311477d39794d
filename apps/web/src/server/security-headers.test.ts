// The page headers: the policy's directives, eval only in development, HSTS only over HTTPS.
import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, createNonce, pageSecurityHeaders } from "./security-headers";

/** The policy as directive -> sources. */
function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(";").map((part) => {
      const [name = "", ...sources] = part.trim().split(/\s+/);
      return [name, sources];
    }),
  );
}

describe("createNonce", () => {
  it("is 128 random bits in base64, new every time", () => {
    const nonce = createNonce();
    expect(Buffer.from(nonce, "base64")).toHaveLength(16);
    expect(nonce).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    expect(createNonce()).not.toBe(nonce);
  });
});

describe("contentSecurityPolicy", () => {
  it("allows only the app's own resources and scripts that carry the nonce", () => {
    const policy = directives(contentSecurityPolicy({ nonce: "n0nce", dev: false }));
    expect(Object.fromEntries(policy)).toEqual({
      "default-src": ["'self'"],
      "script-src": ["'self'", "'nonce-n0nce'", "'strict-dynamic'"],
      "style-src": ["'self'", "'nonce-n0nce'"],
      "img-src": ["'self'", "data:"],
      "connect-src": ["'self'"],
      "object-src": ["'none'"],
      "base-uri": ["'none'"],
      "form-action": ["'self'"],
      "frame-ancestors": ["'none'"],
    });
  });

  it("allows eval and inline styles in development only", () => {
    const dev = directives(contentSecurityPolicy({ nonce: "n0nce", dev: true }));
    expect(dev.get("script-src")).toContain("'unsafe-eval'");
    expect(dev.get("script-src")).toContain("'nonce-n0nce'");
    expect(dev.get("style-src")).toEqual(["'self'", "'unsafe-inline'"]);
    const prod = contentSecurityPolicy({ nonce: "n0nce", dev: false });
    expect(prod).not.toContain("unsafe");
  });
});

describe("pageSecurityHeaders", () => {
  it("sends no-sniff, the referrer policy and no framing on every page", () => {
    const headers = pageSecurityHeaders({ nonce: "n0nce", dev: false, https: false });
    expect(headers.get("content-security-policy")).toContain("'nonce-n0nce'");
    expect(headers.get("x-content-type-options")).toBe("nosniff");
    expect(headers.get("referrer-policy")).toBe("same-origin");
    expect(headers.get("x-frame-options")).toBe("DENY");
  });

  it("sends HSTS over HTTPS only", () => {
    const over = (https: boolean) => pageSecurityHeaders({ nonce: "n", dev: false, https });
    expect(over(false).has("strict-transport-security")).toBe(false);
    expect(over(true).get("strict-transport-security")).toBe("max-age=63072000; includeSubDomains");
  });
});
