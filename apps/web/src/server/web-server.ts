// One `pnpm start` process (alone, or a cluster worker): Next.js for pages, and the API answered
// on Node's own request objects before the page framework sees it (API_HANDLER=next hands it to
// the route handler instead, the path of deployments that run Next.js without this server).
import { createServer, type ServerResponse } from "node:http";
import { answerClientErrors, REQUEST_TIMEOUTS, requestTimedOut } from "@kit/api/client-error";
import type { ServerEnv } from "@kit/api/env";
import { sentThroughProxy } from "@kit/api/forwarding";
import { DRAIN_TIMEOUT_MS, gracefulCloser } from "@kit/api/graceful-close";
import { peerAddress, rememberPeerAddresses } from "@kit/api/peer-address";
import { reportPoolPriority } from "@kit/api/pool-priority";
import { answerTarget, toOriginForm } from "@kit/api/request-target";
import { setSecurityHeaders } from "@kit/api/security-headers";
import { onStopSignals } from "@kit/api/stop-signals";
import next from "next";
import { apiAnswerer, nextCannotRoute } from "./api-answerer";
import { connectionStorage } from "./connection";
import { primaryAwake } from "./primary-awake";
import { apiHandler, closeRuntime, runtimeReady } from "./runtime-handle";
import {
  buildHasServerActions,
  isServerActionCall,
  refuseServerActionCall,
} from "./server-actions";

export interface WebServerOptions {
  dev: boolean;
  env: ServerEnv;
  /** The folder holding next.config.mjs and .next. */
  dir: string;
  /** A cluster worker: the primary announces readiness and owns the embedded database. */
  worker: boolean;
  fail(message: string): never;
}

// Next adds its router's request headers to Vary on every response. On the API they mean
// nothing and only announce the framework; pages keep them (caches need them there).
const FRAMEWORK_VARY = /^(rsc|next-[a-z-]+)$/i;
function hideFrameworkVary(res: ServerResponse): void {
  const setHeader = res.setHeader.bind(res);
  res.setHeader = (name, value) => {
    if (name.toLowerCase() !== "vary") return setHeader(name, value);
    const kept = String(value)
      .split(",")
      .map((token) => token.trim())
      .filter((token) => token && !FRAMEWORK_VARY.test(token));
    return kept.length > 0 ? setHeader(name, kept.join(", ")) : res;
  };
}

export async function startWebServer(options: WebServerOptions): Promise<void> {
  const { dev, env, fail } = options;
  const hostname = env.host;
  // Before Next starts the runtime, so that no hash ever runs at the pool's old priority.
  await reportPoolPriority(env.threadPoolNice);
  // Installed before Next starts: the runtime refuses to start where no server hands it the
  // client's address (a bare `next start`), and this is how it knows one does.
  const storage = connectionStorage();
  const app = next({ dev, dir: options.dir, port: env.port, hostname });
  const handle = app.getRequestHandler();
  await app.prepare();
  // instrumentation.ts starts the database (embedded server, migrations, demo user) in the
  // background of prepare(); listen only once it is ready, and fail loudly if it cannot be.
  try {
    await runtimeReady();
  } catch (error) {
    fail(`start-up failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  // Built by instrumentation beside the runtime (one pool per process): the app's router, health
  // and the public keys, the same procedures and deps the route handlers use, without a Fetch
  // Request per call. API_HANDLER=next, and `pnpm dev` unless told otherwise: Next's routes
  // (app/api/…, app/.well-known/…) answer.
  const routes = await apiHandler();
  const api = apiAnswerer(env.apiHandler, dev) === "server" ? routes : null;

  // `pnpm dev` writes the manifest as pages compile: there Next.js always decides.
  const actionsServed = dev || buildHasServerActions(options.dir);

  const server = createServer(REQUEST_TIMEOUTS, (req, res) => {
    const verdict = toOriginForm(req);
    if (verdict !== "route") return answerTarget(verdict, res);
    if (api?.(req, res)) return;
    if (!api && nextCannotRoute(req.method, req.url) && routes(req, res)) return;
    if (req.url?.startsWith("/api/")) {
      hideFrameworkVary(res);
      // Pages get theirs from proxy.ts, which skips /api/: a 404 there (the not-found page) or
      // an app's own route handler starts from the API's, and may replace any of them.
      setSecurityHeaders(res);
    } else if (!actionsServed && isServerActionCall(req)) {
      return refuseServerActionCall(res);
    }
    const connection = {
      remoteAddress: peerAddress(req.socket) ?? null,
      // A plain HTTP server: TLS, where there is any, ends at a proxy in front of it.
      encrypted: "encrypted" in req.socket && req.socket.encrypted === true,
      requestTimedOut: () => requestTimedOut(req.socket),
      // Before Next.js adds its own x-forwarded-* (the demo accounts' "from this machine").
      forwarded: sentThroughProxy(req.headers),
    };
    storage.run(connection, () => {
      void handle(req, res);
    });
  });
  rememberPeerAddresses(server);
  answerClientErrors(server);
  const closer = gracefulCloser(server);
  server.once("error", (error) =>
    fail(`cannot listen on ${hostname}:${env.port}: ${error.message}`),
  );
  server.listen(env.port, hostname, () => {
    if (options.worker) return;
    const host = hostname.includes(":") ? `[${hostname}]` : hostname;
    // The port listened on: with PORT=0 the system picks one, and "0" would be no address.
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : env.port;
    console.log(`[web] ready on http://${host}:${port}${dev ? " (dev)" : ""}`);
  });

  // Called once: onStopSignals takes the copies of one request as one.
  async function shutdown() {
    // Requests in flight are answered first (a login half-way through must not fail); then the
    // pool, limiter and the embedded PostgreSQL close before the process goes.
    const awake = options.worker ? primaryAwake() : undefined;
    if (!(await closer.close({ awake })) && !options.worker) {
      console.log(`[web] requests still open after ${DRAIN_TIMEOUT_MS} ms were cut`);
    }
    await Promise.allSettled([app.close(), closeRuntime()]);
    process.exit(0);
  }
  // Ctrl-C reaches a worker from the terminal and again from its primary: one request.
  onStopSignals(() => void shutdown());
}
