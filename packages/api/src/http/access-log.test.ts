// The access line is written without pino's redaction (see access-log.ts): it must come out as
// the redacting logger would write it, and the logger itself must still redact.
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { Context } from "../context";
import { createLogger } from "../logger";
import { logAnswer } from "./access-log";

function memoryLogger() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger(destination), lines };
}

describe("logAnswer", () => {
  it("writes the line the redacting logger would, key for key", () => {
    const { logger, lines } = memoryLogger();
    const ctx = { deps: { logger }, requestId: "req-1", startedAt: performance.now() };
    const info = { calls: [{ path: "auth.me" }, { path: "overview.sample" }] };
    logAnswer({
      ctx: ctx as unknown as Context,
      info: info as never,
      data: [{ result: { data: null } }, { result: { data: null } }],
      errors: [],
    });
    const [line] = lines;
    const { time, pid, hostname, ms, ...fixed } = line ?? {};
    expect(fixed).toEqual({
      level: 30,
      name: "kit-api",
      requestId: "req-1",
      procedure: "auth.me,overview.sample",
      status: 200,
      msg: "answered",
    });
    expect(Object.keys(line ?? {})).toEqual([
      "level",
      "time",
      "pid",
      "hostname",
      "name",
      "requestId",
      "procedure",
      "status",
      "ms",
      "msg",
    ]);
    expect([typeof time, typeof pid, typeof hostname, typeof ms]).toEqual([
      "number",
      "number",
      "string",
      "number",
    ]);
    // The logger everything else writes through still redacts.
    logger.info({ password: "hunter2", headers: { authorization: "Bearer x" } }, "other");
    expect(lines[1]).toMatchObject({
      password: "[redacted]",
      headers: { authorization: "[redacted]" },
    });
  });

  it("says so when the same request is answered again: its first answer could not be written", () => {
    const { logger, lines } = memoryLogger();
    const ctx = { deps: { logger }, requestId: "req-3", startedAt: performance.now() };
    const info = { calls: [{ path: "notes.list" }] };
    // What tRPC does with output that is not JSON: the head of a 200, then a 500 instead.
    logAnswer({
      ctx: ctx as unknown as Context,
      info: info as never,
      data: [{ result: { data: 1n } }],
      errors: [],
    });
    logAnswer({
      ctx: ctx as unknown as Context,
      info: info as never,
      data: [{ error: { data: { httpStatus: 500 } } }],
      errors: [],
    });
    expect(lines.map(({ requestId, status, msg }) => ({ requestId, status, msg }))).toEqual([
      { requestId: "req-3", status: 200, msg: "answered" },
      {
        requestId: "req-3",
        status: 500,
        msg: "answered instead: the answer logged before could not be written",
      },
    ]);
  });

  it("writes nothing when info is off", () => {
    const { logger, lines } = memoryLogger();
    logger.level = "warn";
    const ctx = { deps: { logger }, requestId: "req-2", startedAt: performance.now() };
    logAnswer({ ctx: ctx as unknown as Context, info: undefined, data: [], errors: [] });
    expect(lines).toEqual([]);
  });
});
