// A value PostgreSQL refuses as data (a NUL character, longer than its column, not of its type)
// is the caller's mistake: 400 VALIDATION from any procedure that writes it, an app's own as much
// as the kit's, never a 500. And a database failure that is a 500 is logged without the values
// its message quotes.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type InProcessServer, startInProcessServer } from "../../test/in-process-server";
import { bearer, uniqueEmail } from "../../test/test-server";
import { kitRouters } from "../root";
import { protectedProcedure, router } from "../trpc";

// What an extender writes: procedures that store what they are given, with schemas looser than
// the columns (users.name is varchar(100), ids are uuid) and no checks of their own.
const appRouter = router({
  ...kitRouters,
  profile: router({
    rename: protectedProcedure
      .input(z.object({ name: z.string() }))
      .mutation(async ({ ctx, input }) => {
        await ctx.deps.prisma.user.update({
          where: { id: ctx.user.id },
          data: { name: input.name },
        });
        return { ok: true };
      }),
    note: protectedProcedure
      .input(z.object({ text: z.string() }))
      .mutation(async ({ ctx, input }) => {
        await ctx.deps.prisma.$executeRaw`SELECT ${input.text}::text`;
        return { ok: true };
      }),
    count: protectedProcedure
      .input(z.object({ text: z.string() }))
      .mutation(async ({ ctx, input }) => {
        await ctx.deps.prisma.$executeRaw`SELECT ${input.text}::int`;
        return { ok: true };
      }),
    find: protectedProcedure.input(z.object({ id: z.string() })).query(async ({ ctx, input }) => {
      const user = await ctx.deps.prisma.user.findFirst({ where: { id: input.id } });
      return { found: user !== null };
    }),
    // A bug of the app's own: the role column takes `user` or `admin`, and Prisma refuses the
    // call before it reaches the database, quoting every argument in its message.
    promote: protectedProcedure
      .input(z.object({ name: z.string(), role: z.string() }))
      .mutation(async ({ ctx, input }) => {
        await ctx.deps.prisma.user.update({
          where: { id: ctx.user.id },
          data: { name: input.name, role: input.role as never },
        });
        return { ok: true };
      }),
  }),
});

let server: InProcessServer;
let access: string;
beforeAll(async () => {
  server = await startInProcessServer({ router: appRouter });
  const registered = await server.post("auth.register", {
    email: uniqueEmail("nul"),
    password: "a long enough password",
  });
  access = registered.body.result.data.access;
});
afterAll(async () => {
  await server?.close();
});

describe("a NUL character in text", () => {
  it("answers 400 VALIDATION from a Prisma write in an app's own procedure", async () => {
    const reply = await server.post("profile.rename", { name: "a\u0000b" }, bearer(access));
    expect(reply.status).toBe(400);
    expect(reply.body.error.data).toMatchObject({ code: "BAD_REQUEST", appCode: "VALIDATION" });
    expect(reply.body.error.message).toBe("Text cannot contain NUL characters.");
  });

  it("answers 400 VALIDATION from a raw query as well", async () => {
    const reply = await server.post("profile.note", { text: "\u0000" }, bearer(access));
    expect(reply.status).toBe(400);
    expect(reply.body.error.data.appCode).toBe("VALIDATION");
  });

  it("stores the same text without the NUL", async () => {
    const reply = await server.post("profile.rename", { name: "ab" }, bearer(access));
    expect(reply.status).toBe(200);
  });
});

describe("other values the database refuses", () => {
  it("answers 400 VALIDATION for text longer than its column, without the value", async () => {
    const reply = await server.post("profile.rename", { name: "x".repeat(101) }, bearer(access));
    expect(reply.status).toBe(400);
    expect(reply.body.error.data).toMatchObject({ code: "BAD_REQUEST", appCode: "VALIDATION" });
    expect(reply.body.error.message).toBe("A value is longer than can be stored.");
  });

  it("answers 400 VALIDATION for a value not of its column's type, through Prisma and raw SQL", async () => {
    const found = await server.get("profile.find", { id: "not-a-uuid-SECRET" }, bearer(access));
    expect(found.status).toBe(400);
    expect(found.body.error.data.appCode).toBe("VALIDATION");
    expect(found.body.error.message).toBe("A value is not in the form expected.");
    expect(JSON.stringify(found.body)).not.toContain("SECRET");
    const raw = await server.post("profile.count", { text: "twelve-SECRET" }, bearer(access));
    expect(raw.status).toBe(400);
    expect(raw.body.error.data.appCode).toBe("VALIDATION");
    expect(JSON.stringify(raw.body)).not.toContain("SECRET");
  });

  it("still answers a value the column takes", async () => {
    const reply = await server.post("profile.rename", { name: "x".repeat(100) }, bearer(access));
    expect(reply.status).toBe(200);
    const found = await server.get(
      "profile.find",
      { id: "00000000-0000-4000-8000-000000000000" },
      bearer(access),
    );
    expect(found.body.result.data).toEqual({ found: false });
    const raw = await server.post("profile.count", { text: "12" }, bearer(access));
    expect(raw.status).toBe(200);
  });
});

describe("a database failure the server did not expect", () => {
  it("is a 500 whose log line names the failure and its place but not the values given", async () => {
    const secret = "hunter2-SECRET-PASSWORD";
    const reply = await server.post(
      "profile.promote",
      { name: secret, role: "owner" },
      bearer(access),
    );
    expect(reply.status).toBe(500);
    expect(JSON.stringify(reply.body)).not.toContain(secret);
    const line = server
      .output()
      .split("\n")
      .filter((text) => text.startsWith("{"))
      .map((text) => JSON.parse(text) as { level: number; procedure?: string; err?: never })
      .find((entry) => entry.level === 50 && entry.procedure === "profile.promote");
    expect(line?.err).toMatchObject({
      type: "PrismaClientValidationError",
      // The call and where it was made, and what was wrong with it.
      message: expect.stringMatching(
        /^Invalid `ctx\.deps\.prisma\.user\.update\(\)` invocation in .*refused-value\.test\.ts:\d+:\d+ Invalid value for argument `role`\. Expected Role\.$/,
      ),
      stack: expect.stringMatching(/^\s+at /),
    });
    expect(server.output()).not.toContain(secret);
    expect(server.output()).not.toContain("owner");
  });
});
