// `pnpm bench`: what a protected call pays to verify its token, and why the key is a KeyObject.
import { createSecretKey as nodeSecretKey } from "node:crypto";
import jwt from "jsonwebtoken";
import { bench, describe } from "vitest";
import { createSecretKey } from "./keys";
import { createTokenService } from "./tokens";

const secret = "bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz";
const tokens = createTokenService({
  key: createSecretKey(secret),
  accessTtl: 1800,
  refreshTtl: 604_800,
});
const { token } = tokens.issueAccess({
  userId: "6f1c1d2e-0000-4000-8000-000000000001",
  email: "bench@example.com",
  sessionId: "6f1c1d2e-0000-4000-8000-000000000002",
});
const keyObject = nodeSecretKey(Buffer.from(secret));

// Warm every path up before any is measured: otherwise whichever runs first pays for the JIT
// compiling jsonwebtoken, and the ratios say more about order than about cost.
for (let i = 0; i < 5_000; i += 1) {
  tokens.verifyAccess(token);
  jwt.verify(token, keyObject, { algorithms: ["HS256"] });
}

describe("verify an access token (HS256)", () => {
  bench("tokens.verifyAccess (KeyObject, claims checked)", () => {
    tokens.verifyAccess(token);
  });
  bench("jsonwebtoken.verify with a KeyObject", () => {
    jwt.verify(token, keyObject, { algorithms: ["HS256"] });
  });
  // The plain-string secret path jsonwebtoken first tries as a public key: the slow baseline.
  bench("jsonwebtoken.verify with a string secret", () => {
    jwt.verify(token, secret, { algorithms: ["HS256"] });
  });
});

describe("issue a token pair", () => {
  bench("tokens.issueAccess + issueRefresh", () => {
    tokens.issueAccess({ userId: "u", email: "e@example.com", sessionId: "s" });
    tokens.issueRefresh({ userId: "u", sessionId: "s" });
  });
});
