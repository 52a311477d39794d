// Error codes of the app's own (AppErrorCodes): declared by augmentation, thrown with AppError,
// answered over HTTP like the kit's, and typed on the client. The declaration below is seen by
// this package's compilation only (nothing the app imports reaches this file).
import type { inferRouterError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { bearer, startInProcessServer, uniqueEmail } from "../../test";
import type { InProcessServer } from "../../test/in-process-server";
import { AppError } from "../errors";
import { kitRouters } from "../root";
import { protectedProcedure, router } from "../trpc";
import { isAppDeclaredCode, readAppCode } from "../wire";

declare module "../errors" {
  interface AppErrorCodes {
    EXAMPLE_QUOTA_EXCEEDED: true;
  }
}

const testRouter = router({
  ...kitRouters,
  notes: router({
    add: protectedProcedure.mutation((): never => {
      throw new AppError("EXAMPLE_QUOTA_EXCEEDED", "FORBIDDEN", "Your plan holds 10 notes.");
    }),
  }),
});

let server: InProcessServer;
beforeAll(async () => {
  server = await startInProcessServer({ router: testRouter });
});
afterAll(async () => {
  await server?.close();
});

describe("an error code of the app's own", () => {
  it("answers with its status, appCode and message, like the kit's codes", async () => {
    const signedUp = await server.post("auth.register", {
      email: uniqueEmail("app-code"),
      password: "correct horse battery",
    });
    const reply = await server.post("notes.add", {}, bearer(signedUp.body.result.data.access));
    expect(reply.status).toBe(403);
    expect(reply.body.error.data.appCode).toBe("EXAMPLE_QUOTA_EXCEEDED");
    expect(reply.body.error.data.code).toBe("FORBIDDEN");
    expect(reply.body.error.message).toBe("Your plan holds 10 notes.");
    expect(reply.headers.get("x-request-id")).toBeTruthy();
    expect(readAppCode(reply.body.error)).toBe("EXAMPLE_QUOTA_EXCEEDED");
    // A client can tell it from the kit's codes and tRPC's, whose messages are not for people.
    expect(isAppDeclaredCode("EXAMPLE_QUOTA_EXCEEDED")).toBe(true);
    for (const kit of ["TOKEN_REVOKED", "RATE_LIMITED", "DB_UNAVAILABLE", "NOT_FOUND", "TIMEOUT"]) {
      expect(isAppDeclaredCode(kit)).toBe(false);
    }
  });

  it("is typed: on the client's data.appCode, and AppError refuses an undeclared code", () => {
    // What TRPCClientError<typeof testRouter> carries as `data` on the client.
    type ClientCode = inferRouterError<typeof testRouter>["data"]["appCode"];
    expectTypeOf<"EXAMPLE_QUOTA_EXCEEDED">().toExtend<ClientCode>();
    expectTypeOf<"TOKEN_REVOKED">().toExtend<ClientCode>();
    expectTypeOf<"EXAMPLE_UNDECLARED">().not.toExtend<ClientCode>();
    expectTypeOf(readAppCode).returns.toEqualTypeOf<ClientCode | null>();
    // @ts-expect-error: a code nobody declared
    expect(new AppError("EXAMPLE_UNDECLARED", "FORBIDDEN", "x").appCode).toBe("EXAMPLE_UNDECLARED");
  });
});
