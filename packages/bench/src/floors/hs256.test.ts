// The floors' HS256 check: accepts what it signs, refuses tampering, other keys and expiry.
import { describe, expect, it } from "vitest";
import { bearerOf, signFloorToken, verifyFloorToken } from "./hs256";

const secret = Buffer.from("a-floor-secret-of-enough-length!");
const claims = { sub: "u1", sid: "s1", exp: 2_000 };

describe("floor HS256", () => {
  it("verifies its own token until exp", () => {
    const token = signFloorToken(claims, secret);
    expect(verifyFloorToken(token, secret, 1_999)).toEqual(claims);
    expect(verifyFloorToken(token, secret, 2_000)).toBeNull();
  });

  it("refuses another key, a tampered payload and a foreign header", () => {
    const token = signFloorToken(claims, secret);
    expect(verifyFloorToken(token, Buffer.from("another-secret"), 1)).toBeNull();
    const [h, , s] = token.split(".");
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: "u2" })).toString("base64url");
    expect(verifyFloorToken(`${h}.${forged}.${s}`, secret, 1)).toBeNull();
    const none = Buffer.from('{"alg":"none"}').toString("base64url");
    expect(verifyFloorToken(`${none}.${token.split(".")[1]}.${s}`, secret, 1)).toBeNull();
  });

  it("reads Bearer headers only", () => {
    expect(bearerOf("Bearer abc")).toBe("abc");
    expect(bearerOf("Basic abc")).toBeNull();
    expect(bearerOf(undefined)).toBeNull();
  });
});
