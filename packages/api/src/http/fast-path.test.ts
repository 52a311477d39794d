// The fast path answers exactly as tRPC's stock Node adapter does: the same router and deps
// behind both, the same requests, and the answers compared status, headers and body.
import { createPrismaClient } from "@kit/db";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { buildTestDeps } from "../../test/in-process-server";
import { loopbackServers } from "../../test/loopback-servers";
import { uniqueEmail } from "../../test/test-server";
import { createContext } from "../context";
import { resolveClientIp } from "../request/client-ip";
import { MAX_BODY_BYTES } from "../request/limits";
import { kitRouter } from "../root";
import { MAX_BATCH_SIZE, TRPC_ENDPOINT } from "../wire";
import { headersOf, takesFastPath } from "./fast-path";
import { reportError } from "./report-error";
import { responseMetaFor } from "./response-meta";
import { createNodeHandler } from "./standalone";

const prisma = createPrismaClient(inject("databaseUrl"));
const deps = buildTestDeps(prisma);

// tRPC's own adapter with the kit's options: what the fast path must be indistinguishable from.
const stock = createHTTPHandler({
  basePath: `${TRPC_ENDPOINT}/`,
  router: kitRouter,
  maxBatchSize: MAX_BATCH_SIZE,
  maxBodySize: MAX_BODY_BYTES,
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
  responseMeta: responseMetaFor(deps),
});

const { listen, closeAll } = loopbackServers();

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
  await closeAll();
  await deps.limiter.close();
  await prisma.$disconnect();
});

/**
 * Status, headers (but the date and the per-request id) and body of one answer; with `fresh`,
 * what differs between two correct answers (new tokens, ids, times, cookies' values) is masked.
 */
async function answer(
  base: string,
  path: string,
  headers: Record<string, string>,
  init: { method?: string; body?: string | Uint8Array; fresh?: boolean } = {},
) {
  const res = await fetch(`${base}${path}`, { headers, method: init.method, body: init.body });
  const kept = [...res.headers].filter(([name]) => name !== "date" && name !== "x-request-id");
  let body = (await res.text()).replace(/"requestId":"[^"]*"/g, "");
  if (init.fresh) {
    body = body
      .replace(/eyJ[\w-]+\.[\w-]+\.[\w-]+/g, "<jwt>")
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<uuid>");
  }
  return { status: res.status, headers: kept, body };
}

describe("the fast path, for queries", () => {
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

  it("takes GETs and JSON POSTs only: not other bodies, streamed batches or paths outside the API", () => {
    const request = (method: string, url: string, headers: Record<string, string> = {}) =>
      ({ method, url, headers }) as Parameters<typeof takesFastPath>[0];
    const json = { "content-type": "application/json" };
    expect(takesFastPath(request("GET", "/api/trpc/auth.me"), "/api/trpc/")).toBe(true);
    expect(takesFastPath(request("POST", "/api/trpc/auth.login", json), "/api/trpc/")).toBe(true);
    const typed = { "content-type": " Application/JSON ; charset=utf-8" };
    expect(takesFastPath(request("POST", "/api/trpc/auth.login", typed), "/api/trpc/")).toBe(true);
    expect(takesFastPath(request("POST", "/api/trpc/auth.login"), "/api/trpc/")).toBe(false);
    const form = { "content-type": "multipart/form-data; boundary=x" };
    expect(takesFastPath(request("POST", "/api/trpc/auth.login", form), "/api/trpc/")).toBe(false);
    expect(takesFastPath(request("PUT", "/api/trpc/auth.login", json), "/api/trpc/")).toBe(false);
    expect(takesFastPath(request("HEAD", "/api/trpc/auth.me"), "/api/trpc/")).toBe(false);
    expect(takesFastPath(request("GET", "/elsewhere"), "/api/trpc/")).toBe(false);
    const streamed = request("GET", "/api/trpc/auth.me", { "trpc-accept": "application/jsonl" });
    expect(takesFastPath(streamed, "/api/trpc/")).toBe(false);
    const accepting = request("GET", "/api/trpc/auth.me", { accept: "*/*, application/jsonl" });
    expect(takesFastPath(accepting, "/api/trpc/")).toBe(false);
  });
});

describe("the fast path, for mutations", () => {
  const json = { "content-type": "application/json" };
  const text = (value: string) => new TextEncoder().encode(value);
  // Each answered twice, by the stock adapter and the fast path: only calls that change nothing
  // (or change it the same way twice) compare exactly.
  const cases: [string, string, Record<string, string>, () => string | Uint8Array][] = [
    ["a refused refresh", "/api/trpc/auth.refresh", json, () => '{"refresh":"abc.def.ghi"}'],
    ["no refresh token", "/api/trpc/auth.refresh", json, () => "{}"],
    ["invalid input", "/api/trpc/auth.login", json, () => '{"email":1}'],
    ["a body that is not JSON", "/api/trpc/auth.login", json, () => "{nope"],
    ["an empty body", "/api/trpc/auth.logout", json, () => ""],
    ["a JSON null", "/api/trpc/auth.logout", json, () => "null"],
    [
      "a byte order mark",
      "/api/trpc/auth.refresh",
      json,
      () => new Uint8Array([0xef, 0xbb, 0xbf, ...text('{"refresh":"x"}')]),
    ],
    [
      "bytes that are not UTF-8",
      "/api/trpc/auth.refresh",
      json,
      () => new Uint8Array([...text('{"refresh":"'), 0xff, 0xfe, ...text('"}')]),
    ],
    [
      "a body past the limit",
      "/api/trpc/auth.login",
      json,
      () => JSON.stringify({ email: "a@example.com", password: "x".repeat(MAX_BODY_BYTES) }),
    ],
    [
      "a charset in the content type",
      "/api/trpc/auth.refresh",
      { "content-type": "application/json; charset=utf-8" },
      () => '{"refresh":"abc.def.ghi"}',
    ],
    [
      "a batch",
      "/api/trpc/auth.refresh,auth.logout?batch=1",
      json,
      () => '{"0":{"refresh":"a.b.c"},"1":{}}',
    ],
    ["a batch whose input is not an object", "/api/trpc/auth.logout?batch=1", json, () => "[1]"],
    ["a query by POST", "/api/trpc/auth.me", json, () => "{}"],
    ["an unknown procedure", "/api/trpc/auth.nothing", json, () => "{}"],
    ["a protected mutation without a token", "/api/trpc/account.logoutAll", json, () => "{}"],
  ];

  for (const [name, path, headers, body] of cases) {
    it(`answers ${name} as the stock adapter does`, async () => {
      const init = { method: "POST", body: body() };
      const expected = await answer(stockBase, path, headers, init);
      const actual = await answer(fastBase, path, headers, init);
      expect(actual).toEqual(expected);
    });
  }

  it("answers a login and a refresh as the stock adapter does, but for the new tokens", async () => {
    const email = uniqueEmail("fast-mutation");
    const password = "a long enough password";
    await fetch(`${fastBase}/api/trpc/auth.register`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ email, password }),
    });
    const login = JSON.stringify({ email, password });
    const init = { method: "POST", body: login, fresh: true };
    const [expected, actual] = [
      await answer(stockBase, "/api/trpc/auth.login", json, init),
      await answer(fastBase, "/api/trpc/auth.login", json, init),
    ];
    expect(expected.status).toBe(200);
    expect(actual).toEqual(expected);

    // Two sessions, one refreshed through each path.
    const pairs = await Promise.all(
      [0, 1].map(async () => {
        const res = await fetch(`${fastBase}/api/trpc/auth.login`, {
          method: "POST",
          headers: json,
          body: login,
        });
        return ((await res.json()) as { result: { data: { refresh: string } } }).result.data;
      }),
    );
    const refresh = (base: string, token: string) =>
      answer(base, "/api/trpc/auth.refresh", json, {
        method: "POST",
        body: JSON.stringify({ refresh: token }),
        fresh: true,
      });
    const stockRefresh = await refresh(stockBase, pairs[0]?.refresh ?? "");
    const fastRefresh = await refresh(fastBase, pairs[1]?.refresh ?? "");
    expect(stockRefresh.status).toBe(200);
    expect(fastRefresh).toEqual(stockRefresh);
  });
});
