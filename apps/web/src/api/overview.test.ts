// overview.summary through createCaller: a caller the chain recognises gets the summary; nobody
// gets MISSING_TOKEN, as with every protectedProcedure.
import {
  type AppDeps,
  type Authenticator,
  accessClaims,
  createCallerFactory,
  createContext,
} from "@kit/api";
import { describe, expect, it } from "vitest";
import { SAMPLE_USER } from "./overview";
import { appRouter } from "./root";

const NOW = Date.parse("2026-01-01T00:00:00Z");
const counted: unknown[] = [];
// Only what the procedure touches; the rest of the deps is never reached here.
const deps = {
  now: () => NOW,
  exposeErrors: false,
  prisma: {
    session: {
      count: async (query: unknown) => {
        counted.push(query);
        return 2;
      },
    },
  },
} as unknown as AppDeps;

const ada = { id: "u1", email: "ada@example.com", name: "Ada", role: "user" } as const;
const signedIn: Authenticator = async () => ({
  user: ada,
  session: {
    id: "s1",
    createdAt: new Date(NOW),
    lastUsedAt: new Date(NOW),
    expiresAt: new Date(NOW),
  },
  claims: {} as never,
  // What a token issued to her carries, whatever claims the app adds (access-claims.ts).
  appClaims: accessClaims.issue(ada),
});
const nobody: Authenticator = async () => null;

const callerWith = (authenticator: Authenticator) =>
  createCallerFactory(appRouter)(
    createContext(deps, { headers: new Headers(), clientIp: null }, [authenticator]),
  );

describe("overview.summary", () => {
  it("greets the caller and counts their live sessions", async () => {
    const summary = await callerWith(signedIn).overview.summary();
    expect(summary).toEqual({ greeting: "Welcome back, Ada", liveSessions: 2 });
    expect(counted.at(-1)).toMatchObject({
      where: { userId: "u1", revokedAt: null, expiresAt: { gt: new Date(NOW) } },
    });
  });

  it("refuses a caller without a token: MISSING_TOKEN", async () => {
    await expect(callerWith(nobody).overview.summary()).rejects.toMatchObject({
      code: "UNAUTHORIZED",
      cause: expect.objectContaining({ code: "MISSING_TOKEN" }),
    });
  });

  it("is served beside the kit's routers", () => {
    // Containing, not equal: the app merges routers of its own here (README, "Extending the API").
    expect(Object.keys(appRouter._def.record)).toEqual(
      expect.arrayContaining(["account", "admin", "auth", "overview"]),
    );
  });
});

describe("overview.sample", () => {
  it("answers anyone, token or not, with a constant user shaped like auth.me's", async () => {
    const sample = await callerWith(nobody).overview.sample();
    expect(sample).toEqual(SAMPLE_USER);
    expect(Object.keys(sample).sort()).toEqual(["email", "id", "name", "role"]);
  });
});
