// Test-only: hand-built JWTs (base64url + node:crypto HMAC), made without jsonwebtoken.
import { createHmac } from "node:crypto";

export const FIXTURE_SECRET = "fixture-secret-0123456789abcdef-0123456789";

export function encodeSegment(json: unknown): string {
  const text = typeof json === "string" ? json : JSON.stringify(json);
  return Buffer.from(text, "utf8").toString("base64url");
}

export function decodeSegment(segment: string | undefined): unknown {
  return JSON.parse(Buffer.from(segment ?? "", "base64url").toString("utf8"));
}

export interface FixtureOptions {
  header?: Record<string, unknown>;
  secret?: string;
  hash?: "sha256" | "sha384";
}

/**
 * Signs header.payload with HMAC over `secret`, as RFC 7515 describes. A string payload is
 * used as raw JSON text, for payloads JSON.stringify cannot make (1e999, a bare string).
 */
export function fixtureToken(
  payload: Record<string, unknown> | string,
  options: FixtureOptions = {},
): string {
  const header = options.header ?? { alg: "HS256", typ: "JWT" };
  const signingInput = `${encodeSegment(header)}.${encodeSegment(payload)}`;
  const signature = createHmac(options.hash ?? "sha256", options.secret ?? FIXTURE_SECRET)
    .update(signingInput)
    .digest("base64url");
  return `${signingInput}.${signature}`;
}
