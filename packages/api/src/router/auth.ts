// The credential procedures: register, login, refresh, logout, me.
import { recordEvent } from "../audit";
import { AppError, RateLimitedError } from "../errors";
import { loginInput, refreshInput, registerInput } from "../input";
import { checkCredentials, registerAccount } from "../services/accounts";
import { closeSession, openSession, rotateSession } from "../services/sessions";
import { protectedProcedure, publicProcedure, router } from "../trpc";
import { accountProcedures } from "./account";
import { clientOf } from "./client";

function requireRefreshToken(input: { refresh?: string | null } | null | undefined): string {
  const token = input?.refresh;
  if (!token) throw new AppError("MISSING_TOKEN", "BAD_REQUEST", "Refresh token required.");
  return token;
}

/** Records a refused attempt in the audit trail before the 429 goes out. */
const auditRateLimit = publicProcedure.use(async ({ ctx, next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof RateLimitedError) {
    await recordEvent(ctx.deps, { type: "rate_limited", client: clientOf(ctx) });
  }
  return result;
});

export const authRouter = router({
  register: auditRateLimit.input(registerInput).mutation(async ({ ctx, input }) => {
    const client = clientOf(ctx);
    await ctx.deps.limiter.register(client.clientIp);
    const user = await registerAccount(ctx.deps, {
      email: input.email,
      password: input.password,
      name: input.name ?? null,
    });
    const { sessionId, ...tokens } = await openSession(ctx.deps, user, client);
    await recordEvent(ctx.deps, { type: "registered", userId: user.id, sessionId, client });
    return { user, ...tokens };
  }),

  login: auditRateLimit.input(loginInput).mutation(async ({ ctx, input }) => {
    const client = clientOf(ctx);
    const user = await checkCredentials(ctx.deps, input.email, input.password, client);
    const { sessionId, ...tokens } = await openSession(ctx.deps, user, client);
    await recordEvent(ctx.deps, { type: "login_succeeded", userId: user.id, sessionId, client });
    return { user, ...tokens };
  }),

  refresh: auditRateLimit.input(refreshInput).mutation(async ({ ctx, input }) => {
    const client = clientOf(ctx);
    const token = requireRefreshToken(input);
    await ctx.deps.limiter.refresh(client.clientIp);
    return rotateSession(ctx.deps, token, client);
  }),

  logout: publicProcedure.input(refreshInput).mutation(async ({ ctx, input }) => {
    await closeSession(ctx.deps, requireRefreshToken(input), clientOf(ctx));
    return { ok: true as const };
  }),

  me: protectedProcedure.query(({ ctx }) => ctx.user),

  ...accountProcedures,
});
