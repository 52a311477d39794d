import type { AnyTRPCProcedure } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { kitRouter } from "../root";
import { COOKIE_PROCEDURES, setsCookies } from "../wire";
import { isStreamedRequest, type ProcedureMeta, streamedAnswerHeaders } from "./streamed-calls";

describe("isStreamedRequest", () => {
  it.each([
    [{ "trpc-accept": "application/jsonl" }, true],
    [{ accept: "text/html, application/jsonl" }, true],
    [{ accept: "application/json" }, false],
    [{}, false],
    // tRPC reads `trpc-accept` first and `accept` only without it: so does this.
    [{ "trpc-accept": "application/json", accept: "application/jsonl" }, false],
  ])("%j → %s", (headers, streamed) => {
    expect(isStreamedRequest(new Headers(headers))).toBe(streamed);
  });
});

describe("streamedAnswerHeaders", () => {
  it("refuses every write, naming the header, and reads as empty", () => {
    const headers = streamedAnswerHeaders();
    expect(() => headers.append("set-cookie", "a=1")).toThrow(/"set-cookie" set during a streamed/);
    expect(() => headers.set("x-app", "1")).toThrow(/"x-app"/);
    expect([...headers]).toEqual([]);
  });
});

describe("COOKIE_PROCEDURES", () => {
  it("names exactly the kit's procedures marked setsCookies, so a client's splitLink matches the server", () => {
    const procedures = kitRouter._def.procedures as unknown as Record<string, AnyTRPCProcedure>;
    const marked = Object.entries(procedures)
      .filter(([, procedure]) => (procedure._def.meta as ProcedureMeta | undefined)?.setsCookies)
      .map(([path]) => path);
    expect(marked.sort()).toEqual([...COOKIE_PROCEDURES].sort());
    expect(setsCookies("auth.login")).toBe(true);
    expect(setsCookies("auth.me")).toBe(false);
  });
});
