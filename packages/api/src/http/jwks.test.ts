import { generateKeyPairSync } from "node:crypto";
import { createSecretKey, createTokenService } from "@kit/auth";
import { describe, expect, it } from "vitest";
import type { AppDeps } from "../deps";
import { JWKS_PATH } from "../wire";
import { createJwksFetchHandler, isJwksPath } from "./jwks";

const ttl = { accessTtl: 60, refreshTtl: 3600 };
const depsWith = (tokens: AppDeps["tokens"]) => async () => ({ tokens }) as AppDeps;

describe("the JWKS Fetch handler (Next's route)", () => {
  it("answers the public keys with cache headers, HEAD without a body", async () => {
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const tokens = createTokenService({ algorithm: "ES256", key: privateKey, keyId: "k", ...ttl });
    const handler = createJwksFetchHandler({ deps: depsWith(tokens) });
    const reply = await handler(new Request(`http://localhost${JWKS_PATH}`));
    expect(reply.status).toBe(200);
    expect(reply.headers.get("cache-control")).toBe("public, max-age=300");
    expect(reply.headers.get("x-content-type-options")).toBe("nosniff");
    const body = (await reply.json()) as { keys: Record<string, unknown>[] };
    expect(body.keys).toHaveLength(1);
    expect(body.keys[0]).toMatchObject({ kid: "k", kty: "EC", crv: "P-256", alg: "ES256" });
    expect(body.keys[0]).not.toHaveProperty("d");
    const head = await handler(new Request(`http://localhost${JWKS_PATH}`, { method: "HEAD" }));
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
  });

  it("answers 404 with HS256", async () => {
    const key = createSecretKey("a-secret-that-is-long-enough-for-hs256!!");
    const handler = createJwksFetchHandler({ deps: depsWith(createTokenService({ key, ...ttl })) });
    expect((await handler(new Request(`http://localhost${JWKS_PATH}`))).status).toBe(404);
  });

  it("matches the path with or without a query, and nothing else", () => {
    expect(isJwksPath(JWKS_PATH)).toBe(true);
    expect(isJwksPath(`${JWKS_PATH}?v=1`)).toBe(true);
    expect(isJwksPath(`${JWKS_PATH}x`)).toBe(false);
    expect(isJwksPath("/api/trpc/auth.me")).toBe(false);
  });
});
