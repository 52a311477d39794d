// tRPC init: the error shape every client sees, the base procedures, and protectedProcedure.
import { AuthError } from "@kit/auth";
import { initTRPC, TRPCError } from "@trpc/server";
import { getTRPCErrorFromUnknown } from "@trpc/server/unstable-core-do-not-import";
import type { Principal } from "./authentication/principal";
import { requireAdmin } from "./authentication/require-admin";
import type { Context } from "./context";
import type { ProcedureMeta } from "./cookie-mode/streamed-calls";
import { appCodeOf, inputRefusal, RotationInDoubt, toTRPCError } from "./errors";
import { refusalOf } from "./validation-issues";

/**
 * Sentences for the transport's refusals, in place of what tRPC says: the bare code for a body
 * too large, and for one that is not JSON the parser's message, which quotes the body.
 */
const TRANSPORT_MESSAGES: Partial<Record<string, string>> = {
  PARSE_ERROR: "The input is not valid JSON (the request body, or a query's ?input=).",
  PAYLOAD_TOO_LARGE: "The request body is too large.",
};

const t = initTRPC
  .context<Context>()
  .meta<ProcedureMeta>()
  .create({
    // Stack traces are added below only when the deps allow it; tRPC's own switch follows
    // NODE_ENV, which a test or a misconfigured deploy can get wrong.
    isDev: false,
    errorFormatter({ shape, error, ctx }) {
      const expose = ctx?.deps.exposeErrors ?? false;
      const internal = error.code === "INTERNAL_SERVER_ERROR";
      // Input a schema refused (any procedure's, the app's own too): its issues, typed.
      const refused = inputRefusal(error);
      const refusal = refused ? refusalOf(refused) : undefined;
      const appCode = appCodeOf(error);
      // Body mode's refresh whose rotation may have taken: the token to present beside the old.
      const inDoubt = error.cause instanceof RotationInDoubt ? error.cause : undefined;
      let message = shape.message;
      // Database and library messages stay on the server.
      if (internal && !expose) message = "Internal server error.";
      else if (refusal) message = refusal.message;
      else message = TRANSPORT_MESSAGES[appCode] ?? message;
      return {
        ...shape,
        message,
        data: {
          ...shape.data,
          appCode,
          ...(refusal ? { issues: refusal.issues } : {}),
          ...(inDoubt ? { refreshCandidate: inDoubt.candidate } : {}),
          ...(expose && error.stack ? { stack: error.stack } : {}),
        },
      };
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/**
 * Translates domain errors once, here, so procedures just throw AuthError or AppError.
 * protectedProcedure does the same inside its own middleware.
 */
const translateErrors = t.middleware(async ({ next }) => throwTranslated(await next()));

/** The result as it is, unless it failed with one of our errors: then that, translated, is thrown. */
function throwTranslated<R extends { ok: true } | { ok: false; error: TRPCError }>(result: R): R {
  if (!result.ok) {
    const translated = toTRPCError(result.error.cause);
    if (translated) throw translated;
  }
  return result;
}

export const publicProcedure = t.procedure.use(translateErrors);

/**
 * Gives `ctx.user`, `ctx.session` and `ctx.claims` (the app's own claims, typed by
 * access-claims.ts), non-null, or fails with UNAUTHORIZED and an appCode.
 *
 * Who is calling is decided in `authentication/`: `bearerAuthenticator`
 * (authentication/authenticate.ts) verifies the access token (`deps.tokens.verifyAccess`, i.e.
 * `createTokenService` in @kit/auth), then `loadLiveSession` (authentication/live-session.ts)
 * checks that the user is active and the session live, the one check that refresh rotation
 * and server rendering (`getSignedInUser`) share.
 */
export const protectedProcedure = t.procedure.use(async ({ ctx, next }) => {
  // publicProcedure's translateErrors done here too, in this one middleware rather than a layer
  // of its own: tRPC copies the call's options and context at every layer, and on a call as
  // cheap as `auth.me` one layer fewer is measurable (packages/bench/PERFORMANCE.md).
  let principal: Principal | null;
  try {
    principal = await ctx.authenticate();
    if (!principal) throw new AuthError("MISSING_TOKEN");
  } catch (cause) {
    // What translateErrors would make of it one layer up: tRPC's wrapping, then its cause.
    const error = getTRPCErrorFromUnknown(cause);
    throw toTRPCError(error.cause) ?? error;
  }
  const result = await next({
    ctx: { user: principal.user, session: principal.session, claims: principal.appClaims },
  });
  return throwTranslated(result);
});

/**
 * protectedProcedure for admins only: the caller's row is read from the database on every call
 * (requireAdmin in authentication/require-admin.ts), so a demoted or deactivated admin is refused
 * at the next call, whatever their token or the session cache still says. Others get 403
 * ADMIN_REQUIRED.
 *
 * @example
 * export const reportsRouter = router({
 *   signups: adminProcedure.query(({ ctx }) => ctx.deps.prisma.user.count()),
 * });
 */
export const adminProcedure = protectedProcedure.use(async ({ ctx, next }) => {
  await requireAdmin(ctx.deps, ctx.user.id);
  return next({ ctx: { user: { ...ctx.user, role: "admin" as const } } });
});

export { TRPCError };
