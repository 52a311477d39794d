// Floor (c): a bare tRPC v11 standalone server whose auth.me is a protectedProcedure doing the
// HS256 check and a Map lookup: what tRPC itself costs, with no database and no kit code.
import { initTRPC, TRPCError } from "@trpc/server";
import { createHTTPServer } from "@trpc/server/adapters/standalone";
import { floorEnv, floorUser, READY_LINE } from "./floor-env";
import { bearerOf, verifyFloorToken } from "./hs256";

const env = floorEnv();
const users = new Map(Array.from({ length: env.users }, (_, i) => [`u${i}`, floorUser(i)]));

const t = initTRPC.context<{ authorization: string | undefined }>().create();
const protectedProcedure = t.procedure.use(({ ctx, next }) => {
  const token = bearerOf(ctx.authorization);
  const claims = token ? verifyFloorToken(token, env.secret, Math.floor(Date.now() / 1000)) : null;
  const user = claims ? users.get(claims.sub) : undefined;
  if (!user) throw new TRPCError({ code: "UNAUTHORIZED" });
  return next({ ctx: { user } });
});

const appRouter = t.router({
  auth: t.router({ me: protectedProcedure.query(({ ctx }) => ctx.user) }),
});

const server = createHTTPServer({
  router: appRouter,
  basePath: "/api/trpc/",
  createContext: ({ req }) => ({ authorization: req.headers.authorization }),
});
server.listen(env.port, "127.0.0.1", () => console.log(READY_LINE));
process.once("SIGTERM", () => process.exit(0));
process.once("SIGINT", () => process.exit(0));
