// The router through createCaller: what server components and scripts use, same checks as HTTP.
import { createPrismaClient } from "@kit/db";
import { TRPCError } from "@trpc/server";
import { afterAll, describe, expect, inject, it } from "vitest";
import { buildTestDeps } from "../../test/in-process-server";
import { uniqueEmail } from "../../test/test-server";
import { createContext } from "../context";
import { kitRouter } from "../root";
import { createCallerFactory } from "../trpc";

const prisma = createPrismaClient(inject("databaseUrl"));
const deps = buildTestDeps(prisma);
const createCaller = createCallerFactory(kitRouter);
const callerWith = (headers: Record<string, string> = {}) =>
  createCaller(createContext(deps, { headers: new Headers(headers), clientIp: "203.0.113.9" }));

afterAll(async () => {
  await deps.limiter.close();
  await prisma.$disconnect();
});

describe("createCaller", () => {
  it("registers, records the client on the session, and answers me from a Bearer header", async () => {
    const email = uniqueEmail("caller");
    const { user, access } = await callerWith({ "user-agent": "kit-test/1" }).auth.register({
      email,
      password: "long enough password",
    });
    const me = await callerWith({ authorization: `Bearer ${access}` }).auth.me();
    expect(me).toEqual({ ...user, role: "user" });
    const session = await prisma.session.findFirstOrThrow({ where: { userId: user.id } });
    expect(session).toMatchObject({ ip: "203.0.113.9", userAgent: "kit-test/1", revokedAt: null });
  });

  it("throws a TRPCError carrying the AuthError for a missing token", async () => {
    const error = await callerWith()
      .auth.me()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("UNAUTHORIZED");
    expect((error as TRPCError).cause).toMatchObject({ code: "MISSING_TOKEN" });
  });
});
