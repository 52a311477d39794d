// The web app's own router, an example of extending the API: a protected query the dashboard
// shows, and a public one. It sits beside the kit's routers in ./root.ts; the kit is not edited.
import { protectedProcedure, publicProcedure, router } from "@kit/api";

/** Shaped like auth.me's answer, so a benchmark can compare the two paths byte for byte. */
export const SAMPLE_USER = {
  id: "00000000-0000-4000-8000-000000000000",
  email: "sample@example.com",
  name: "Sample User",
  role: "user",
} as const;

export const overviewRouter = router({
  /** A greeting for the caller, and on how many devices they are signed in right now. */
  summary: protectedProcedure.query(async ({ ctx }) => {
    const now = new Date(ctx.deps.now());
    const liveSessions = await ctx.deps.prisma.session.count({
      where: {
        userId: ctx.user.id,
        revokedAt: null,
        expiresAt: { gt: now },
        absoluteExpiresAt: { gt: now },
      },
    });
    return { greeting: `Welcome back, ${ctx.user.name ?? ctx.user.email}`, liveSessions };
  }),

  /**
   * A constant user, no token and no database: the baseline `pnpm bench` compares auth.me with
   * (the same server, the same tRPC path, only authentication left out).
   */
  sample: publicProcedure.query(() => SAMPLE_USER),
});
