// Retry-After on rate-limited responses, over real HTTP and through the Fetch adapter.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { AuthError } from "@kit/auth";
import { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { createHTTPServer } from "@trpc/server/adapters/standalone";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Context } from "../context";
import { AppError, RateLimitedError } from "../errors";
import { publicProcedure, router } from "../trpc";
import {
  DB_UNAVAILABLE_RETRY_SECONDS,
  retryAfterMeta,
  retryAfterSeconds,
  SERVER_BUSY_RETRY_SECONDS,
} from "./retry-after";

// The real procedures and error formatter, on a router whose only job is to be rate limited.
const limitedRouter = router({
  login: publicProcedure.mutation((): string => {
    throw new RateLimitedError(30);
  }),
  short: publicProcedure.query((): string => {
    throw new RateLimitedError(5);
  }),
  long: publicProcedure.query((): string => {
    throw new RateLimitedError(90);
  }),
  fine: publicProcedure.query(() => "ok"),
  invalid: publicProcedure.query((): string => {
    throw new TRPCError({ code: "BAD_REQUEST" });
  }),
});
// The error formatter reads only `deps.exposeErrors`.
const context = () => ({ deps: { exposeErrors: false } }) as unknown as Context;

describe("retryAfterSeconds", () => {
  const limited = (seconds: number) =>
    new TRPCError({ code: "TOO_MANY_REQUESTS", cause: new RateLimitedError(seconds) });

  it("is the longest wait among rate-limited errors, null when there is none", () => {
    expect(retryAfterSeconds([])).toBeNull();
    expect(retryAfterSeconds([new TRPCError({ code: "BAD_REQUEST" })])).toBeNull();
    expect(retryAfterSeconds([limited(7)])).toBe(7);
    expect(retryAfterSeconds([limited(7), new TRPCError({ code: "NOT_FOUND" }), limited(42)])).toBe(
      42,
    );
  });

  it("asks a client turned away by a full hashing queue (SERVER_BUSY) to wait a second", () => {
    const busy = new TRPCError({
      code: "SERVICE_UNAVAILABLE",
      cause: new AuthError("SERVER_BUSY"),
    });
    expect(retryAfterSeconds([busy])).toBe(SERVER_BUSY_RETRY_SECONDS);
    expect(retryAfterSeconds([busy, limited(42)])).toBe(42);
    const other = new TRPCError({ code: "UNAUTHORIZED", cause: new AuthError("TOKEN_EXPIRED") });
    expect(retryAfterSeconds([other])).toBeNull();
  });

  it("asks a client turned away by an unusable database (DB_UNAVAILABLE) to wait a few seconds", () => {
    const unavailable = new TRPCError({
      code: "SERVICE_UNAVAILABLE",
      cause: new AppError("DB_UNAVAILABLE", "SERVICE_UNAVAILABLE", "down"),
    });
    expect(retryAfterSeconds([unavailable])).toBe(DB_UNAVAILABLE_RETRY_SECONDS);
    expect(retryAfterSeconds([unavailable, limited(1)])).toBe(DB_UNAVAILABLE_RETRY_SECONDS);
    const taken = new TRPCError({
      code: "CONFLICT",
      cause: new AppError("EMAIL_TAKEN", "CONFLICT", "taken"),
    });
    expect(retryAfterSeconds([taken])).toBeNull();
  });

  it("adds no header unless a response is rate limited", () => {
    expect(retryAfterMeta({ errors: [] })).toEqual({});
    const meta = retryAfterMeta({ errors: [limited(3)] });
    expect(new Headers(meta.headers as Headers).get("retry-after")).toBe("3");
  });
});

describe("Retry-After over the standalone adapter", () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createHTTPServer({
      basePath: "/api/trpc/",
      router: limitedRouter,
      createContext: context,
      responseMeta: retryAfterMeta,
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/trpc`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("answers 429 with appCode RATE_LIMITED and the wait in Retry-After", async () => {
    const res = await fetch(`${base}/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    const body = (await res.json()) as { error: { data: Record<string, unknown> } };
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("30");
    expect(body.error.data).toMatchObject({
      code: "TOO_MANY_REQUESTS",
      httpStatus: 429,
      appCode: "RATE_LIMITED",
    });
  });

  it("sends no Retry-After on other answers", async () => {
    for (const path of ["fine", "invalid"]) {
      expect((await fetch(`${base}/${path}`)).headers.get("retry-after")).toBeNull();
    }
  });

  it("gives a batch the largest wait of its calls", async () => {
    const res = await fetch(`${base}/short,fine,long,invalid?batch=1`);
    expect(res.headers.get("retry-after")).toBe("90");
    const body = (await res.json()) as { error?: { data: { appCode: string } } }[];
    expect(body.map((item) => item.error?.data.appCode ?? "ok")).toEqual([
      "RATE_LIMITED",
      "ok",
      "RATE_LIMITED",
      "BAD_REQUEST",
    ]);
  });
});

describe("Retry-After over the Fetch adapter", () => {
  it("is added the same way", async () => {
    const res = await fetchRequestHandler({
      endpoint: "/api/trpc",
      req: new Request("http://localhost/api/trpc/login", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      }),
      router: limitedRouter,
      createContext: context,
      responseMeta: retryAfterMeta,
    });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("30");
  });
});
