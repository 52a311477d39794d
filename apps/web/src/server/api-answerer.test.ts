import { describe, expect, it } from "vitest";
import { apiAnswerer, nextCannotRoute } from "./api-answerer";

describe("apiAnswerer", () => {
  it("answers from this server in production and from Next.js under pnpm dev, unless told", () => {
    expect(apiAnswerer(null, false)).toBe("server");
    expect(apiAnswerer(null, true)).toBe("next");
    expect(apiAnswerer("server", true)).toBe("server");
    expect(apiAnswerer("next", false)).toBe("next");
  });
});

describe("nextCannotRoute", () => {
  it("takes a tRPC path that does not decode and a method no route handler exports", () => {
    expect(nextCannotRoute("GET", "/api/trpc/auth.me%")).toBe(true);
    expect(nextCannotRoute("GET", "/api/trpc/auth.me%zz?input=%7B%7D")).toBe(true);
    expect(nextCannotRoute("POST", "/api/trpc/%E0%A4%A")).toBe(true);
    expect(nextCannotRoute("PROPFIND", "/api/trpc/auth.me")).toBe(true);
    expect(nextCannotRoute("M-SEARCH", "/api/trpc/auth.me")).toBe(true);
  });

  it("leaves Next.js what it routes: decodable paths, exported methods", () => {
    expect(nextCannotRoute("GET", "/api/trpc/auth.me")).toBe(false);
    expect(nextCannotRoute("GET", "/api/trpc/auth.me?input=%zz")).toBe(false);
    expect(nextCannotRoute("POST", "/api/trpc/auth.login,auth.me?batch=1")).toBe(false);
    for (const method of ["HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"]) {
      expect(nextCannotRoute(method, "/api/trpc/auth.me")).toBe(false);
    }
    // Any path: the API's handler then answers its own (health, the keys) and leaves the rest.
    expect(nextCannotRoute("PROPFIND", "/api/health")).toBe(true);
    expect(nextCannotRoute("PROPFIND", "/login")).toBe(true);
    expect(nextCannotRoute("GET", "/login%zz")).toBe(false);
    expect(nextCannotRoute("GET", "/api/trpcx%zz")).toBe(false);
  });
});
