// protectedProcedure translates errors as publicProcedure does, though in its own middleware:
// what the authenticator throws, what the procedure throws, and what is not ours.
import { AuthError } from "@kit/auth";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import type { Principal } from "./authentication/principal";
import { type Context, createContext } from "./context";
import type { AppDeps } from "./deps";
import { AppError } from "./errors";
import { createCallerFactory, protectedProcedure, publicProcedure, router } from "./trpc";

const principal = {
  user: { id: "u1", email: "a@example.com", name: null, role: "user" },
  session: { id: "s1" },
  claims: {},
  appClaims: {},
} as unknown as Principal;

// Only what these procedures and the error formatter read of a context.
function contextWith(authenticate: () => Promise<Principal | null>): Context {
  return { authenticate, deps: { exposeErrors: false } } as unknown as Context;
}

const thrown = {
  appError: () => new AppError("VALIDATION", "BAD_REQUEST", "Nope."),
  authError: () => new AuthError("TOKEN_REVOKED"),
  plain: () => new Error("a bug"),
  trpc: () => new TRPCError({ code: "CONFLICT", message: "taken" }),
};
type Kind = keyof typeof thrown;

const appRouter = router({
  protectedThrows: protectedProcedure
    .input((value) => value as Kind)
    .query(({ input }) => {
      throw thrown[input]();
    }),
  publicThrows: publicProcedure
    .input((value) => value as Kind)
    .query(({ input }) => {
      throw thrown[input]();
    }),
  whoami: protectedProcedure.query(({ ctx }) => ({ user: ctx.user.id, session: ctx.session.id })),
  contextKeys: protectedProcedure.query(({ ctx }) => Object.keys(ctx)),
});
const callerOf = createCallerFactory(appRouter);

async function failure(call: Promise<unknown>): Promise<{ code: string; cause: unknown }> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCError) return { code: error.code, cause: error.cause };
    throw error;
  }
  throw new Error("the call did not fail");
}

describe("protectedProcedure", () => {
  it("gives the principal's user and session", async () => {
    const caller = callerOf(contextWith(async () => principal));
    expect(await caller.whoami()).toEqual({ user: "u1", session: "s1" });
  });

  it("passes on no key the request's context lacks, so tRPC's merge only overwrites", async () => {
    // context.ts says why: on Node 20's V8 a spread copy that gains keys is ~60× slower.
    const base = createContext(
      { exposeErrors: false } as unknown as AppDeps,
      { headers: new Headers(), clientIp: null },
      [async () => principal],
    );
    const seen = await callerOf(base).contextKeys();
    expect(seen).toEqual(Object.keys(base));
    expect(seen).toEqual(expect.arrayContaining(["user", "session", "claims"]));
  });

  it("refuses a call with no principal as MISSING_TOKEN", async () => {
    const { code, cause } = await failure(callerOf(contextWith(async () => null)).whoami());
    expect(code).toBe("UNAUTHORIZED");
    expect(cause).toBeInstanceOf(AuthError);
    expect((cause as AuthError).code).toBe("MISSING_TOKEN");
  });

  it("translates what the authenticator throws, and leaves what is not ours a server error", async () => {
    const whenAuthenticatorThrows = (error: Error) =>
      failure(
        callerOf(
          contextWith(async () => {
            throw error;
          }),
        ).whoami(),
      );
    expect((await whenAuthenticatorThrows(new AuthError("INVALID_TOKEN"))).code).toBe(
      "UNAUTHORIZED",
    );
    const broken = await whenAuthenticatorThrows(new Error("a bug"));
    expect(broken.code).toBe("INTERNAL_SERVER_ERROR");
    expect((broken.cause as Error).message).toBe("a bug");
  });

  it("translates what the procedure throws exactly as publicProcedure does", async () => {
    const caller = callerOf(contextWith(async () => principal));
    for (const kind of Object.keys(thrown) as Kind[]) {
      const viaProtected = await failure(caller.protectedThrows(kind));
      const viaPublic = await failure(caller.publicThrows(kind));
      expect(viaProtected.code, kind).toBe(viaPublic.code);
      expect(viaProtected.cause, kind).toEqual(viaPublic.cause);
    }
    expect((await failure(caller.protectedThrows("appError"))).code).toBe("BAD_REQUEST");
    expect((await failure(caller.protectedThrows("authError"))).code).toBe("UNAUTHORIZED");
    expect((await failure(caller.protectedThrows("plain"))).code).toBe("INTERNAL_SERVER_ERROR");
    expect((await failure(caller.protectedThrows("trpc"))).code).toBe("CONFLICT");
  });
});
