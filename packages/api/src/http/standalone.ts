// A plain Node HTTP server for the same router: integration tests, benchmarks, no Next.js.
import type { Server } from "node:http";
import { createHTTPServer } from "@trpc/server/adapters/standalone";
import { createContext } from "../context";
import type { AppDeps } from "../deps";
import { appRouter } from "../root";
import { resolveClientIp } from "./client-ip";
import { MAX_BATCH_SIZE, MAX_BODY_BYTES } from "./limits";
import { reportError } from "./report-error";
import { retryAfterMeta } from "./retry-after";

function toHeaders(raw: NodeJS.Dict<string | string[]>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.set(name, value);
  }
  return headers;
}

export function createStandaloneServer(deps: AppDeps): Server {
  return createHTTPServer({
    basePath: "/api/trpc/",
    router: appRouter,
    maxBodySize: MAX_BODY_BYTES,
    maxBatchSize: MAX_BATCH_SIZE,
    createContext: ({ req }) => {
      const headers = toHeaders(req.headers);
      const socketAddress = req.socket.remoteAddress;
      return createContext(deps, {
        headers,
        clientIp: resolveClientIp({ socketAddress, headers, trustProxy: deps.trustProxy }),
      });
    },
    onError: reportError(deps),
    responseMeta: retryAfterMeta,
  });
}
