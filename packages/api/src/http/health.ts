// GET /api/health: whether this server can answer, i.e. whether its database does, within a
// bounded time. For load balancers and orchestrators; on Node's objects and as a Fetch handler.
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import type { AppDeps } from "../deps";
import { HEALTH_PATH } from "../wire";
import { isReadMethod, READ_ONLY_REFUSAL, readOnlyRefusal, withoutBody } from "./read-methods";
import { API_SECURITY_HEADERS } from "./security-headers";
import { shareAnswer } from "./shared-answer";

export { HEALTH_PATH };

/** How long `SELECT 1` may take: a probe must answer before the prober gives up on us. */
export const HEALTH_TIMEOUT_MS = 2000;

/**
 * How long one check answers every probe. Anyone may probe, as often as they like: without this,
 * each probe took a connection of the app's pool, and a flood of them slowed every sign-in.
 * Probes that arrive while a check runs wait for it; a check answers for this long after it
 * finished, so a probe learns that the database went away at most this late.
 */
export const HEALTH_REUSE_MS = 1000;

export interface HealthReport {
  status: 200 | 503;
  body: { status: "ok"; database: "ok" } | { status: "unavailable"; database: "unreachable" };
}

// Never cached by others (no-store is among the API's headers): a stale "ok" from a proxy would
// keep traffic on a server that lost its database for as long as the proxy kept it.
const HEADERS = { ...API_SECURITY_HEADERS, "content-type": "application/json" } as const;

/** `SELECT 1` through the server's own pool, raced against the timeout. Every call asks. */
export async function checkHealth(
  deps: Pick<AppDeps, "prisma">,
  timeoutMs = HEALTH_TIMEOUT_MS,
): Promise<HealthReport> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const answered = deps.prisma.$queryRaw`SELECT 1`.then(
    () => true,
    () => false,
  );
  const ok = await Promise.race([answered, timedOut]).finally(() => clearTimeout(timer));
  return ok
    ? { status: 200, body: { status: "ok", database: "ok" } }
    : { status: 503, body: { status: "unavailable", database: "unreachable" } };
}

export { isHealthRequest } from "../wire";

/** The Node handler: the standalone server and `pnpm start`'s server route HEALTH_PATH here. */
export function createHealthHandler(deps: Pick<AppDeps, "prisma">): RequestListener {
  const probe = shareAnswer(() => checkHealth(deps), HEALTH_REUSE_MS);
  return (req: IncomingMessage, res: ServerResponse) => {
    if (!isReadMethod(req.method)) {
      res
        .writeHead(READ_ONLY_REFUSAL.status, READ_ONLY_REFUSAL.headers)
        .end(READ_ONLY_REFUSAL.body);
      return;
    }
    void probe().then((report) => {
      const body = JSON.stringify(report.body);
      res.writeHead(report.status, HEADERS);
      res.end(req.method === "HEAD" ? undefined : body);
    });
  };
}

/** The GET answer as a Fetch Response, from a check of its own. */
export async function healthResponse(deps: Pick<AppDeps, "prisma">): Promise<Response> {
  return responseOf(await checkHealth(deps));
}

function responseOf(report: HealthReport): Response {
  return Response.json(report.body, { status: report.status, headers: HEADERS });
}

/**
 * The Fetch handler, for Next.js's route (API_HANDLER=next, deployments without server.ts):
 * export it for every method, so that each is answered as the Node handler answers it.
 */
export function createHealthFetchHandler(options: {
  deps: () => Promise<Pick<AppDeps, "prisma">>;
}) {
  const probe = shareAnswer(async () => checkHealth(await options.deps()), HEALTH_REUSE_MS);
  return async (request: Request): Promise<Response> => {
    if (!isReadMethod(request.method)) return readOnlyRefusal();
    const response = responseOf(await probe());
    return request.method === "HEAD" ? withoutBody(response) : response;
  };
}
