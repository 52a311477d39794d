import type { AnyTRPCProcedure } from "@trpc/server";
import type { TRPCRequestInfo } from "@trpc/server/http";
import { describe, expect, it } from "vitest";
import { kitRouter } from "../root";
import { COOKIE_MODE_HEADER, COOKIE_PROCEDURES, setsCookies } from "../wire";
import { answerHeadersFor, type ProcedureMeta } from "./streamed-calls";

type CallInfo = TRPCRequestInfo["calls"][number];

const procedures = kitRouter._def.procedures as unknown as Record<string, AnyTRPCProcedure>;
const call = (path: string) => ({ path, procedure: procedures[path] ?? null }) as CallInfo;
const streamed = "application/jsonl" as const;
const cookieMode = new Headers({ [COOKIE_MODE_HEADER]: "cookie" });

describe("answerHeadersFor", () => {
  it("leaves an answer that is not streamed its own headers, cookie calls included", () => {
    expect(answerHeadersFor(cookieMode, { accept: null, calls: [call("auth.login")] })).toBe(
      undefined,
    );
  });

  it("gives a streamed answer headers that refuse every write, naming the header", () => {
    const headers = answerHeadersFor(new Headers(), { accept: streamed, calls: [call("auth.me")] });
    expect(() => headers?.append("set-cookie", "a=1")).toThrow(
      /"set-cookie" set during a streamed/,
    );
    expect(() => headers?.set("x-app", "1")).toThrow(/"x-app"/);
    expect([...(headers ?? [])]).toEqual([]);
  });

  it("refuses a streamed cookie-mode batch that calls a procedure setting cookies", () => {
    const info = { accept: streamed, calls: [call("auth.me"), call("auth.refresh")] };
    expect(() => answerHeadersFor(cookieMode, info)).toThrow(
      expect.objectContaining({
        code: "BAD_REQUEST",
        message: expect.stringContaining("auth.refresh sets a cookie"),
      }),
    );
    // Without cookie mode the same batch sets no cookie, and streams.
    expect(answerHeadersFor(new Headers(), info)).toBeInstanceOf(Headers);
    // A path the router lacks is tRPC's NOT_FOUND later, not this refusal.
    expect(
      answerHeadersFor(cookieMode, { accept: streamed, calls: [call("auth.nope")] }),
    ).toBeInstanceOf(Headers);
  });
});

describe("COOKIE_PROCEDURES", () => {
  it("names exactly the kit's procedures marked setsCookies, so a client's splitLink matches the server", () => {
    const marked = Object.entries(procedures)
      .filter(([, procedure]) => (procedure._def.meta as ProcedureMeta | undefined)?.setsCookies)
      .map(([path]) => path);
    expect(marked.sort()).toEqual([...COOKIE_PROCEDURES].sort());
    expect(setsCookies("auth.login")).toBe(true);
    expect(setsCookies("auth.me")).toBe(false);
  });
});
