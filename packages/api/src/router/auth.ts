// The auth procedures: register, login, refresh, logout, me.
import { AppError } from "../errors";
import { loginInput, refreshInput, registerInput } from "../input";
import { checkCredentials, registerAccount } from "../services/accounts";
import { closeSession, openSession, rotateSession } from "../services/sessions";
import { protectedProcedure, publicProcedure, router } from "../trpc";

function requireRefreshToken(input: { refresh?: string | null } | null | undefined): string {
  const token = input?.refresh;
  if (!token) throw new AppError("MISSING_TOKEN", "BAD_REQUEST", "Refresh token required.");
  return token;
}

export const authRouter = router({
  register: publicProcedure.input(registerInput).mutation(async ({ ctx, input }) => {
    const user = await registerAccount(ctx.deps, {
      email: input.email,
      password: input.password,
      name: input.name ?? null,
    });
    const tokens = await openSession(ctx.deps, user, ctx);
    return { user, ...tokens };
  }),

  login: publicProcedure.input(loginInput).mutation(async ({ ctx, input }) => {
    const user = await checkCredentials(ctx.deps, input.email, input.password);
    const tokens = await openSession(ctx.deps, user, ctx);
    return { user, ...tokens };
  }),

  refresh: publicProcedure.input(refreshInput).mutation(async ({ ctx, input }) => {
    return rotateSession(ctx.deps, requireRefreshToken(input));
  }),

  logout: publicProcedure.input(refreshInput).mutation(async ({ ctx, input }) => {
    await closeSession(ctx.deps, requireRefreshToken(input));
    return { ok: true as const };
  }),

  me: protectedProcedure.query(({ ctx }) => ctx.user),
});
