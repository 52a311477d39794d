// The query fast path answers exactly as tRPC's stock Node adapter does: the same router and
// deps behind both, the same requests, and the answers compared status, headers and body.
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createPrismaClient } from "@kit/db";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { buildTestDeps } from "../../test/in-process-server";
import { uniqueEmail } from "../../test/test-server";
import { createContext } from "../context";
import { resolveClientIp } from "../request/client-ip";
import { kitRouter } from "../root";
import { MAX_BATCH_SIZE, TRPC_ENDPOINT } from "../wire";
import { headersOf, isPlainQuery } from "./query-fast-path";
import { reportError } from "./report-error";
import { responseMeta } from "./response-meta";
import { createNodeHandler } from "./standalone";

const prisma = createPrismaClient(inject("databaseUrl"));
const deps = buildTestDeps(prisma);

// tRPC's own adapter with the kit's options: what the fast path must be indistinguishable from.
const stock = createHTTPHandler({
  basePath: `${TRPC_ENDPOINT}/`,
  router: kitRouter,
  maxBatchSize: MAX_BATCH_SIZE,
  createContext: ({ req }) => {
    const headers = headersOf(req);
    return createContext(deps, {
      headers,
      url: `http://${req.headers.host}${req.url}`,
      clientIp: resolveClientIp({
        socketAddress: req.socket.remoteAddress,
        headers,
        trustProxy: 0,
      }),
    });
  },
  onError: reportError(deps),
  responseMeta,
});

const servers: Server[] = [];
async function listen(handler: RequestListener): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

let stockBase: string;
let fastBase: string;
let access: string;
beforeAll(async () => {
  stockBase = await listen(stock);
  fastBase = await listen(createNodeHandler(deps));
  const login = await fetch(`${fastBase}/api/trpc/auth.register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: uniqueEmail("fast"), password: "a long enough password" }),
  });
  access = ((await login.json()) as { result: { data: { access: string } } }).result.data.access;
});
afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  await deps.limiter.close();
  await prisma.$disconnect();
});

/** Status, headers (but the date and the per-request id) and body of one answer. */
async function answer(base: string, path: string, headers: Record<string, string>) {
  const res = await fetch(`${base}${path}`, { headers });
  const kept = [...res.headers].filter(([name]) => name !== "date" && name !== "x-request-id");
  const body = (await res.text()).replace(/"requestId":"[^"]*"/g, "");
  return { status: res.status, headers: kept, body };
}

describe("the query fast path", () => {
  const cases: [string, string, () => Record<string, string>][] = [
    ["a protected query", "/api/trpc/auth.me", () => ({ authorization: `Bearer ${access}` })],
    ["no token", "/api/trpc/auth.me", () => ({})],
    ["a bad token", "/api/trpc/auth.me", () => ({ authorization: "Bearer abc.def.ghi" })],
    [
      "a batch",
      "/api/trpc/auth.me,account.sessions?batch=1&input=%7B%7D",
      () => ({
        authorization: `Bearer ${access}`,
      }),
    ],
    [
      "a query with input",
      `/api/trpc/account.events?input=${encodeURIComponent('{"limit":2}')}`,
      () => ({
        authorization: `Bearer ${access}`,
      }),
    ],
    [
      "invalid input",
      `/api/trpc/account.events?input=${encodeURIComponent('{"limit":"x"}')}`,
      () => ({
        authorization: `Bearer ${access}`,
      }),
    ],
    [
      "input that is not JSON",
      "/api/trpc/account.events?input=%7Bnope",
      () => ({
        authorization: `Bearer ${access}`,
      }),
    ],
    ["an unknown procedure", "/api/trpc/auth.nothing", () => ({})],
    ["a mutation by GET", "/api/trpc/auth.logout", () => ({})],
    [
      "a batch past the limit",
      `/api/trpc/${Array(MAX_BATCH_SIZE + 1)
        .fill("auth.me")
        .join(",")}?batch=1`,
      () => ({}),
    ],
    ["an encoded path", "/api/trpc/auth%2Eme", () => ({ authorization: `Bearer ${access}` })],
  ];

  for (const [name, path, headers] of cases) {
    it(`answers ${name} as the stock adapter does`, async () => {
      const [expected, actual] = await Promise.all([
        answer(stockBase, path, headers()),
        answer(fastBase, path, headers()),
      ]);
      expect(actual).toEqual(expected);
    });
  }

  it("takes plain GETs only: not mutations, streamed batches or paths outside the API", () => {
    const request = (method: string, url: string, headers: Record<string, string> = {}) =>
      ({ method, url, headers }) as Parameters<typeof isPlainQuery>[0];
    expect(isPlainQuery(request("GET", "/api/trpc/auth.me"), "/api/trpc/")).toBe(true);
    expect(isPlainQuery(request("POST", "/api/trpc/auth.login"), "/api/trpc/")).toBe(false);
    expect(isPlainQuery(request("HEAD", "/api/trpc/auth.me"), "/api/trpc/")).toBe(false);
    expect(isPlainQuery(request("GET", "/elsewhere"), "/api/trpc/")).toBe(false);
    const streamed = request("GET", "/api/trpc/auth.me", { "trpc-accept": "application/jsonl" });
    expect(isPlainQuery(streamed, "/api/trpc/")).toBe(false);
  });
});
