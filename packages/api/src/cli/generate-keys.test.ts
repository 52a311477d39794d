// `pnpm auth keys generate`: what it prints is a configuration the server accepts and signs with.
import { PassThrough } from "node:stream";
import { createTokenService } from "@kit/auth";
import { describe, expect, it } from "vitest";
import { loadEnv } from "../env";
import { tokenKeys } from "../token-keys";
import { EXIT } from "./errors";
import { runCli } from "./run";

async function generate(alg: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(["keys", "generate", "--alg", alg], {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    stdin: new PassThrough(),
  });
  return { code, out, err };
}

/** The printed lines as an env file loader reads them: NAME=value, one pair of quotes removed. */
function asEnvironment(lines: string[]): Record<string, string> {
  return Object.fromEntries(
    lines.map((line) => {
      const at = line.indexOf("=");
      return [line.slice(0, at), line.slice(at + 1).replace(/^"(.*)"$/, "$1")];
    }),
  );
}

describe("pnpm auth keys generate", () => {
  for (const alg of ["HS256", "RS256", "PS256", "ES256"]) {
    it(`prints a ${alg} key the server loads and signs with`, async () => {
      const { code, out } = await generate(alg.toLowerCase());
      expect(code).toBe(EXIT.ok);
      const vars = asEnvironment(out);
      expect(Object.keys(vars)).toEqual([
        "AUTH_ALGORITHM",
        "AUTH_SIGNING_KEY_ID",
        "AUTH_SIGNING_KEY",
      ]);
      expect(vars.AUTH_SIGNING_KEY_ID).toMatch(
        new RegExp(`^${alg.toLowerCase()}-\\d{8}-[0-9a-f]{8}$`),
      );
      const env = loadEnv({ NODE_ENV: "production", DATA_DIR: "/srv/kit-data", ...vars });
      const tokens = createTokenService({
        ...tokenKeys({
          algorithm: env.algorithm,
          secret: env.algorithm === "HS256" ? vars.AUTH_SIGNING_KEY : undefined,
          previousSecrets: [],
          signingKey: env.signingKey,
          signingKeyId: env.signingKeyId,
          verificationKeys: [],
        }),
        accessTtl: 60,
        refreshTtl: 120,
      });
      const issued = tokens.issueAccess({ userId: "u", email: "u@example.com", sessionId: "s" });
      const header = JSON.parse(
        Buffer.from(issued.token.split(".")[0] ?? "", "base64url").toString(),
      );
      expect(header).toMatchObject({ alg, kid: vars.AUTH_SIGNING_KEY_ID });
      expect(tokens.verifyAccess(issued.token).sub).toBe("u");
    });
  }

  it("prints a fresh key every time, and never private material on the comment lines", async () => {
    const first = await generate("ES256");
    const second = await generate("ES256");
    expect(first.out).not.toEqual(second.out);
    expect(first.err.join("\n")).not.toContain("PRIVATE KEY");
    expect(first.err.join("\n")).toContain("PUBLIC KEY");
  });

  it("refuses an unknown or missing algorithm as a usage error", async () => {
    expect((await generate("none")).code).toBe(EXIT.usage);
    const missing = await runCli(["keys", "generate"], {
      out: () => {},
      err: () => {},
      stdin: new PassThrough(),
    });
    expect(missing).toBe(EXIT.usage);
  });
});
