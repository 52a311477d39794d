// The web app's own router, an example of extending the API: a protected query the dashboard
// shows. It sits beside the kit's routers in ./root.ts; the kit itself is not edited.
import { protectedProcedure, router } from "@kit/api";

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
});
