// The auth router: register, login, refresh, logout, me; each in body or cookie mode.
import { isAuthError } from "@kit/auth";
import { clientFingerprint } from "../authentication/grace";
import { standingHandover } from "../authentication/handover";
import { clientOf } from "../client-info";
import {
  assertCookieCallOrigin,
  carriesCandidatesCookie,
  clearCandidates,
  clearingDeadCookie,
  clearRefreshCookie,
  deliverPair,
  handingOver,
  handoverToEnd,
  isCookieMode,
  presentedCandidates,
  presentedHandover,
  presentedToken,
  presentedTokensToEnd,
  settlingCandidates,
} from "../cookie-mode/token-delivery";
import { deliverDevice, deviceOf, presentedDevice } from "../device-marker";
import { AppError } from "../errors";
import { loginInput, refreshInput, registerInput } from "../input";
import { fromThisMachine } from "../request/loopback-name";
import { registerAndOpen, signIn } from "../services/accounts";
import { charged } from "../services/charged";
import { rotateSession } from "../services/rotate-session";
import { closeSession, openSession } from "../services/sessions";
import { protectedProcedure, publicProcedure, router } from "../trpc";

const missingToken = () => new AppError("MISSING_TOKEN", "BAD_REQUEST", "Refresh token required.");

/** Cookie mode hands out (or clears) the refresh cookie and the device marker here. */
const SETS_COOKIES = { setsCookies: true };

export const authRouter = router({
  register: publicProcedure
    .meta(SETS_COOKIES)
    .input(registerInput)
    .mutation(async ({ ctx, input }) => {
      assertCookieCallOrigin(ctx);
      const client = clientOf(ctx);
      await charged(ctx.deps, client, null, () => ctx.deps.limiter.register(client.clientIp));
      const { user, pair } = await registerAndOpen(
        ctx.deps,
        { email: input.email, password: input.password, name: input.name ?? null },
        client,
      );
      return { user, ...deliverPair(ctx, pair), device: deliverDevice(ctx, user.id, null) };
    }),

  login: publicProcedure
    .meta(SETS_COOKIES)
    .input(loginInput)
    .mutation(async ({ ctx, input }) => {
      assertCookieCallOrigin(ctx);
      const client = {
        ...clientOf(ctx, presentedDevice(ctx, input)),
        fromThisMachine: fromThisMachine(ctx.headers),
      };
      const { user, pair } = await signIn(
        ctx.deps,
        input.email,
        input.password,
        client,
        async (checked) => ({
          user: checked.user,
          pair: await openSession(
            ctx.deps,
            checked.user,
            checked.passwordHash,
            client,
            "login_succeeded",
          ),
        }),
      );
      // The same device id again when this device had one for this user: it stays one device.
      const device = deliverDevice(ctx, user.id, deviceOf(client.device, user.id));
      return { user, ...deliverPair(ctx, pair), device };
    }),

  refresh: publicProcedure
    .meta(SETS_COOKIES)
    .input(refreshInput)
    .mutation(async ({ ctx, input, signal }) => {
      const presented = presentedToken(ctx, input);
      if (!presented) throw missingToken();
      const client = clientOf(ctx, presentedDevice(ctx, input));
      await charged(ctx.deps, client, null, () => ctx.deps.limiter.refresh(client.clientIp));
      const candidates = presentedCandidates(ctx, input, presented);
      const handover = presentedHandover(ctx, presented);
      const pair = await settlingCandidates(ctx, candidates, () =>
        clearingDeadCookie(ctx, presented, () =>
          handingOver(
            ctx,
            presented,
            handover,
            (refusal, token) =>
              standingHandover(ctx.deps, presented.token, refusal, token, {
                fingerprint: (userId) => clientFingerprint(client, userId),
                candidates: candidates.tokens,
              }),
            (token) => rotateSession(ctx.deps, token, client, signal, candidates.tokens),
          ),
        ),
      );
      return deliverPair(ctx, pair);
    }),

  logout: publicProcedure
    .meta(SETS_COOKIES)
    .input(refreshInput)
    .mutation(async ({ ctx, input }) => {
      const presented = presentedTokensToEnd(ctx, input);
      const cookieMode = isCookieMode(ctx.headers);
      // Cookie mode always ends with the cookie gone, whatever the token turns out to be.
      if (cookieMode) clearRefreshCookie(ctx);
      if (carriesCandidatesCookie(ctx)) clearCandidates(ctx);
      // A password change's new session, kept beside the cookie (see standingHandover): this
      // browser's too, and it ends with the rest.
      const handover = handoverToEnd(ctx, input);
      const [only, ...more] = presented;
      // Who rotation would say it is (its device marker too): a token it retired moments ago
      // is still its own, and ends the session as its logout.
      const client = clientOf(ctx, presentedDevice(ctx, input));
      if (only && more.length === 0) {
        await closeSession(ctx.deps, only.token, client);
      } else if (only) {
        // Copies beside each other (one planted): each that is a token ends its session; the
        // rest ended nothing, as a lone bad token does not either.
        for (const { token } of presented) {
          await closeSession(ctx.deps, token, client).catch((error: unknown) => {
            if (!isAuthError(error)) throw error;
          });
        }
      }
      // Nothing to log out of is already logged out in cookie mode; a body client must send one.
      else if (!cookieMode) throw missingToken();
      if (handover) {
        await closeSession(ctx.deps, handover, client).catch((error: unknown) => {
          if (!isAuthError(error)) throw error;
        });
      }
      return { ok: true as const };
    }),

  me: protectedProcedure.query(({ ctx }) => ctx.user),
});
