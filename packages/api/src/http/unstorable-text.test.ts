// Text PostgreSQL cannot store (a NUL character) is the caller's mistake: 400 VALIDATION from any
// procedure that writes it, an app's own as much as the kit's, never a 500.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type InProcessServer, startInProcessServer } from "../../test/in-process-server";
import { bearer, uniqueEmail } from "../../test/test-server";
import { kitRouters } from "../root";
import { protectedProcedure, router } from "../trpc";

// What an extender writes: a procedure that stores what it is given, with no NUL check of its own.
const appRouter = router({
  ...kitRouters,
  profile: router({
    rename: protectedProcedure
      .input(z.object({ name: z.string().max(100) }))
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
