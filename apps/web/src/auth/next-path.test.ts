// `?next=` may only point at this site.
import { describe, expect, it } from "vitest";
import { formPathFor, isProtectedPath, safeNextPath } from "./next-path";

describe("safeNextPath", () => {
  it("keeps a local path, with its query and fragment", () => {
    expect(safeNextPath("/dashboard")).toBe("/dashboard");
    expect(safeNextPath("/dashboard?tab=sessions#top")).toBe("/dashboard?tab=sessions#top");
  });

  it("refuses other origins and non-strings", () => {
    for (const value of [
      "//evil.example",
      "/\\evil.example",
      // Browsers drop tabs and newlines from URLs: these become "//evil.example".
      "/\t/evil.example",
      "/\n/evil.example",
      "/\\/evil.example",
      "https://evil.example",
      "",
      undefined,
      ["/a"],
    ]) {
      expect(safeNextPath(value)).toBe("/dashboard");
    }
  });

  it("refuses paths whose dot segments resolve to //host (open redirect after sign-in)", () => {
    // Each is a path on this site as typed, but resolving "." and ".." leaves "//evil.example",
    // which a browser reads as another host.
    for (const value of ["/.//evil.example", "/%2e%2e//evil.example", "/a/..//evil.example"]) {
      expect(safeNextPath(value)).toBe("/dashboard");
    }
  });

  it("never leads back to a sign-in form or into the API", () => {
    for (const value of [
      "/login",
      "/login?next=/admin",
      "/register",
      "/register/",
      "/api/trpc/auth.logout",
      "/api",
      "/x/../login",
      "/%6cogin",
    ]) {
      expect(safeNextPath(value)).toBe("/dashboard");
    }
    // Pages whose names only begin alike are pages.
    expect(safeNextPath("/loginhelp")).toBe("/loginhelp");
    expect(safeNextPath("/apiary?x=1")).toBe("/apiary?x=1");
  });
});

describe("isProtectedPath", () => {
  it("covers the dashboard and below only", () => {
    expect(isProtectedPath("/dashboard")).toBe(true);
    expect(isProtectedPath("/dashboard/x")).toBe(true);
    expect(isProtectedPath("/dashboards")).toBe(false);
    expect(isProtectedPath("/admin")).toBe(true);
    expect(isProtectedPath("/administrator")).toBe(false);
    expect(isProtectedPath("/login")).toBe(false);
  });
});

describe("formPathFor", () => {
  it("is the bare form for the default and carries any other page, encoded", () => {
    expect(formPathFor("/login", "/dashboard")).toBe("/login");
    expect(formPathFor("/register", "/admin?tab=users&x=1")).toBe(
      "/register?next=%2Fadmin%3Ftab%3Dusers%26x%3D1",
    );
  });
});
