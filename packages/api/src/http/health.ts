// GET /api/health: whether this server can answer, i.e. whether its database does, within a
// bounded time. For load balancers and orchestrators; on Node's objects and as a Fetch handler.
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import type { AppDeps } from "../deps";
import { HEALTH_PATH } from "../wire";
import { isReadMethod, READ_ONLY_REFUSAL, readOnlyRefusal, withoutBody } from "./read-methods";
import { API_SECURITY_HEADERS } from "./security-headers";

export { HEALTH_PATH };

/** How long `SELECT 1` may take: a probe must answer before the prober gives up on us. */
export const HEALTH_TIMEOUT_MS = 2000;

export interface HealthReport {
  status: 200 | 503;
  body: { status: "ok"; database: "ok" } | { status: "unavailable"; database: "unreachable" };
}

// Never cached (no-store is among the API's headers): a stale "ok" from a proxy would keep
// traffic on a server that lost its database.
const HEADERS = { ...API_SECURITY_HEADERS, "content-type": "application/json" } as const;

/** `SELECT 1` through the server's own pool, raced against the timeout. */
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
  return (req: IncomingMessage, res: ServerResponse) => {
    if (!isReadMethod(req.method)) {
      res
        .writeHead(READ_ONLY_REFUSAL.status, READ_ONLY_REFUSAL.headers)
        .end(READ_ONLY_REFUSAL.body);
      return;
    }
    void checkHealth(deps).then((report) => {
      const body = JSON.stringify(report.body);
      res.writeHead(report.status, HEADERS);
      res.end(req.method === "HEAD" ? undefined : body);
    });
  };
}

/** The GET answer as a Fetch Response. */
export async function healthResponse(deps: Pick<AppDeps, "prisma">): Promise<Response> {
  const report = await checkHealth(deps);
  return Response.json(report.body, { status: report.status, headers: HEADERS });
}

/**
 * The Fetch handler, for Next.js's route (API_HANDLER=next, deployments without server.ts):
 * export it for every method, so that each is answered as the Node handler answers it.
 */
export function createHealthFetchHandler(options: {
  deps: () => Promise<Pick<AppDeps, "prisma">>;
}) {
  return async (request: Request): Promise<Response> => {
    if (!isReadMethod(request.method)) return readOnlyRefusal();
    const response = await healthResponse(await options.deps());
    return request.method === "HEAD" ? withoutBody(response) : response;
  };
}
