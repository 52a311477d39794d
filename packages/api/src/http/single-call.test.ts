// The single-call path answers exactly as tRPC's stock adapter: a router built for the edges the
// kit's own procedures never reach (a transformer, output that does not serialize, a stream-like
// result, a context that fails, responseMeta's status and both forms of its headers, a lazy
// router), served by both, the same requests sent to each and everything compared: status,
// headers, body, and what onError was told.
import type { IncomingMessage } from "node:http";
import { initTRPC, lazy, TRPCError } from "@trpc/server";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import type { ResponseMeta } from "@trpc/server/http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { loopbackServers } from "../../test/loopback-servers";
import { type FastPathOptions, withFastPath } from "./fast-path";
import { singleCallOf } from "./single-call";

interface Ctx {
  name: string | null;
}

function buildRouter(transform: boolean) {
  const t = transform
    ? initTRPC.context<Ctx>().create({
        isDev: false, // stack traces differ between the two paths by design
        // Wraps what it sends and unwraps what it gets: shows the transformer is applied.
        transformer: {
          serialize: (value: unknown) => ({ wrapped: value }),
          deserialize: (value: unknown) => (value as { wrapped: unknown }).wrapped,
        },
      })
    : initTRPC.context<Ctx>().create({ isDev: false });
  const shout = t.middleware(({ next, ctx }) =>
    next({ ctx: { name: ctx.name?.toUpperCase() ?? null } }),
  );
  const later = t.router({ hello: t.procedure.query(() => "from a lazy router") });
  return t.router({
    whoami: t.procedure.use(shout).query(({ ctx }) => ({ name: ctx.name })),
    echo: t.procedure.input(z.unknown()).query(({ input }) => ({ input: input ?? "nothing" })),
    count: t.procedure
      .input(z.object({ n: z.number().int() }))
      .mutation(({ input }) => ({ next: input.n + 1 })),
    nothing: t.procedure.mutation(() => undefined),
    forbidden: t.procedure.query(() => {
      throw new TRPCError({ code: "FORBIDDEN", message: "not for you" });
    }),
    broken: t.procedure.mutation(() => {
      throw new Error("database said no");
    }),
    bigint: t.procedure.query(() => ({ big: 1n })),
    promised: t.procedure.query(() => ({ later: Promise.resolve(1) })),
    teapot: t.procedure.query(() => "short and stout"),
    legacy: t.procedure.query(() => "old headers"),
    constructor: t.procedure.query(() => "a procedure named constructor"),
    // What each layer is handed: its options' keys, in order, and their values.
    handed: t.procedure
      .input(z.object({ n: z.number() }).optional())
      .use((opts) => opts.next({ ctx: { first: Object.keys(opts) } }))
      .use((opts) => opts.next({ ctx: { second: Object.keys(opts) } }))
      .mutation((opts) => ({
        ctx: opts.ctx,
        resolver: Object.keys(opts),
        input: opts.input ?? null,
        meta: (opts as { meta?: unknown }).meta ?? null,
        next: typeof (opts as { next?: unknown }).next,
      })),
    later: lazy(async () => later),
    waits: t.procedure.query(
      ({ signal }) =>
        new Promise((resolve) => {
          entered.push("waits");
          signal?.addEventListener("abort", () => {
            aborted.push("waits");
            resolve("aborted");
          });
        }),
    ),
  });
}

const aborted: string[] = [];
const entered: string[] = [];

// responseMeta that shows everything it was given, in both forms of headers tRPC accepts.
function responseMeta(options: {
  ctx?: Ctx;
  paths?: readonly string[];
  type: string;
  errors: readonly TRPCError[];
  data: readonly unknown[];
  eagerGeneration: boolean;
  info?: { isBatchCall: boolean; calls: readonly unknown[]; accept: string | null } | undefined;
}): ResponseMeta {
  const shown = {
    "x-ctx": String(options.ctx?.name),
    "x-paths": String(options.paths?.join(",")),
    "x-type": options.type,
    "x-errors": options.errors.map((error) => error.code).join(",") || "none",
    "x-data": JSON.stringify(options.data, (_key, value) =>
      typeof value === "bigint" ? "bigint" : value,
    ),
    "x-eager": String(options.eagerGeneration),
    "x-info": JSON.stringify({
      batch: options.info?.isBatchCall,
      calls: options.info?.calls.length,
      accept: options.info?.accept,
    }),
  };
  if (options.paths?.[0] === "legacy") {
    return { headers: { ...shown, "x-list": ["one", "two"] } };
  }
  const headers = new Headers(shown);
  headers.append("set-cookie", "a=1; Path=/");
  headers.append("set-cookie", "b=2; Path=/");
  headers.append("vary", "cookie");
  return { headers, status: options.paths?.[0] === "teapot" ? 418 : undefined };
}

function createContext(req: IncomingMessage): Ctx {
  if (req.headers["x-fail-context"] !== undefined) throw new Error("no context today");
  const name = req.headers["x-name"];
  return { name: typeof name === "string" ? name : null };
}

const { listen, closeAll } = loopbackServers();

interface Pair {
  stock: string;
  fast: string;
  errors: { stock: unknown[]; fast: unknown[] };
}

async function serveBoth(transform: boolean): Promise<Pair> {
  const router = buildRouter(transform);
  const errors: Pair["errors"] = { stock: [], fast: [] };
  const recordTo =
    (list: unknown[]) =>
    (failure: {
      error: TRPCError;
      path: string | undefined;
      input: unknown;
      type: string;
      ctx: unknown;
    }) =>
      list.push({
        code: failure.error.code,
        message: failure.error.message,
        path: failure.path,
        input: failure.input,
        type: failure.type,
        ctx: failure.ctx,
      });
  const stock = createHTTPHandler({
    basePath: "/api/",
    router,
    createContext: ({ req }) => createContext(req),
    onError: recordTo(errors.stock),
    responseMeta,
  });
  const options: FastPathOptions<Ctx> = {
    router,
    basePath: "/api/",
    maxBatchSize: 10,
    maxBodySize: 1024 * 1024,
    createContext,
    onError: recordTo(errors.fast),
    responseMeta: responseMeta as FastPathOptions<Ctx>["responseMeta"],
  };
  return { stock: await listen(stock), fast: await listen(withFastPath(options, stock)), errors };
}

async function answer(base: string, path: string, init: RequestInit) {
  const res = await fetch(`${base}${path}`, init);
  const headers = [...res.headers].filter(([name]) => name !== "date");
  return { status: res.status, headers, body: await res.text() };
}

let plain: Pair;
let transformed: Pair;
beforeAll(async () => {
  plain = await serveBoth(false);
  transformed = await serveBoth(true);
});
afterAll(async () => {
  await closeAll();
});

const json = { "content-type": "application/json" };
const isJson = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};
const q = (value: unknown) => encodeURIComponent(JSON.stringify(value));

const cases: [string, string, RequestInit][] = [
  ["a query through a middleware", "/api/whoami", { headers: { "x-name": "ada" } }],
  ["a query with input", `/api/echo?input=${q({ a: [1, 2] })}`, {}],
  ["a query with no input", "/api/echo", {}],
  ["a query with an empty input", "/api/echo?input=", {}],
  ["a query with a null input", `/api/echo?input=${q(null)}`, {}],
  ["a query whose input is not JSON", "/api/echo?input=%7Bnope", {}],
  [
    "a query with a content type that is not JSON",
    "/api/echo",
    { headers: { "content-type": "text/plain" } },
  ],
  [
    "a query with a form content type",
    "/api/echo",
    { headers: { "content-type": "multipart/form-data; boundary=x" } },
  ],
  // Not here: a query asking for a streamed answer (`Accept: application/jsonl`), which
  // takesFastPath leaves to the stock adapter itself (fast-path.test.ts).
  ["a query with connection params", `/api/echo?connectionParams=${q({ a: "b" })}`, {}],
  ["a query that throws a TRPCError", "/api/forbidden", {}],
  ["output that does not serialize", "/api/bigint", {}],
  ["a stream-like result", "/api/promised", {}],
  ["a status from responseMeta", "/api/teapot", {}],
  ["headers from responseMeta as an object", "/api/legacy", {}],
  ["a context that fails", "/api/whoami", { headers: { "x-fail-context": "1" } }],
  ["a procedure of a lazy router", "/api/later.hello", {}],
  ["a procedure named constructor", "/api/constructor", {}],
  ["a name on Object.prototype", "/api/toString", {}],
  ["a path that does not decode", "/api/ech%E0%A4%A", {}],
  ["an encoded path", "/api/%65cho", {}],
  ["a query by POST", "/api/echo", { method: "POST", headers: json, body: "{}" }],
  ["a mutation by GET", "/api/count", {}],
  ["a mutation", "/api/count", { method: "POST", headers: json, body: '{"n":41}' }],
  [
    "a mutation with invalid input",
    "/api/count",
    { method: "POST", headers: json, body: '{"n":"x"}' },
  ],
  ["a mutation whose body is not JSON", "/api/count", { method: "POST", headers: json, body: "{" }],
  ["a mutation with an empty body", "/api/nothing", { method: "POST", headers: json, body: "" }],
  ["a mutation answering undefined", "/api/nothing", { method: "POST", headers: json, body: "{}" }],
  ["a mutation that throws an Error", "/api/broken", { method: "POST", headers: json, body: "{}" }],
  ["a batch", `/api/echo,whoami?batch=1&input=${q({ 0: 1 })}`, {}],
  [
    "what each middleware and the resolver are handed",
    "/api/handed",
    { method: "POST", headers: { ...json, "x-name": "ada" }, body: '{"n":1}' },
  ],
  ["the same with no input", "/api/handed", { method: "POST", headers: json, body: "" }],
];

describe.each([
  ["without a transformer", () => plain],
  ["with a transformer", () => transformed],
])("the single-call path %s", (_name, pair) => {
  for (const [name, path, init] of cases) {
    it(`answers ${name} as the stock adapter does`, async () => {
      const { stock, fast, errors } = pair();
      errors.stock.length = 0;
      errors.fast.length = 0;
      const wrapped =
        pair() === transformed && typeof init.body === "string" && isJson(init.body)
          ? { ...init, body: JSON.stringify({ wrapped: JSON.parse(init.body) }) }
          : init;
      const expected = await answer(stock, path, wrapped);
      const actual = await answer(fast, path, wrapped);
      expect(actual).toEqual(expected);
      expect(errors.fast).toEqual(errors.stock);
    });
  }
});

describe("the single-call path", () => {
  it("aborts the procedure's signal when the client goes away", async () => {
    aborted.length = 0;
    entered.length = 0;
    const client = new AbortController();
    const call = fetch(`${plain.fast}/api/waits`, { signal: client.signal }).catch(() => "gone");
    // Gone only once the procedure runs: before, there is no signal to abort.
    for (let waited = 0; entered.length === 0 && waited < 15_000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(entered).toEqual(["waits"]);
    client.abort();
    expect(await call).toBe("gone");
    for (let waited = 0; aborted.length === 0 && waited < 15_000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(aborted).toEqual(["waits"]);
  });

  it("takes single queries by GET and mutations by POST, and leaves the rest to tRPC", () => {
    const router = buildRouter(false);
    const rawPathOf = (path: string) => new URL(`http://x${path}`).pathname.slice("/api/".length);
    const take = (method: string, path: string, headers: Record<string, string> = {}) =>
      singleCallOf(
        router,
        method,
        new URL(`http://x${path}`),
        rawPathOf(path),
        new Headers(headers),
      )?.path ?? null;
    expect(take("GET", "/api/echo?input=1")).toBe("echo");
    expect(take("GET", "/api/%65cho")).toBe("echo");
    expect(take("POST", "/api/count")).toBe("count");
    expect(take("GET", "/api/echo", { "content-type": "application/json; charset=utf-8" })).toBe(
      "echo",
    );
    expect(take("GET", "/api/echo?batch=1")).toBeNull();
    expect(take("GET", "/api/echo?connectionParams=%7B%7D")).toBeNull();
    expect(take("GET", "/api/echo", { accept: "text/html, application/jsonl" })).toBeNull();
    expect(take("GET", "/api/echo", { "trpc-accept": "application/jsonl" })).toBeNull();
    expect(take("GET", "/api/echo", { "content-type": "application/octet-stream" })).toBeNull();
    expect(take("GET", "/api/ech%E0%A4%A")).toBeNull();
    expect(take("GET", "/api/missing")).toBeNull();
    expect(take("GET", "/api/toString")).toBeNull();
    expect(take("GET", "/api/later.hello")).toBeNull();
    expect(take("POST", "/api/echo")).toBeNull();
    expect(take("GET", "/api/count")).toBeNull();
    expect(take("PUT", "/api/count")).toBeNull();
  });
});
