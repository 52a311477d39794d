// Each API answer is one `answered` line in the server's log, under the id the response carries
// in X-Request-Id: procedure, status, appCode and duration, and nothing a client sent.
import { describe, expect, it } from "vitest";
import { bearer, type Reply, serversPerTest, uniqueEmail } from "../../test/test-server";

const serverWith = serversPerTest();

interface Line {
  msg?: string;
  requestId?: string;
  procedure?: string | null;
  status?: number;
  appCode?: string;
  streamed?: boolean;
  ms?: number;
}

const linesOf = (output: string): Line[] =>
  output
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Line);

describe("the access log", () => {
  it("has one line per answer, named by its X-Request-Id, with procedure, status and appCode", async () => {
    const api = await serverWith({ ownDatabase: true });
    const email = uniqueEmail("access-log");
    const password = "access-log-password-1";
    const registered = await api.post("auth.register", { email, password });
    const { access } = registered.body.result.data;
    const answers: [Reply, Partial<Line>][] = [
      [registered, { procedure: "auth.register", status: 200 }],
      [await api.get("auth.me", undefined, bearer(access)), { procedure: "auth.me", status: 200 }],
      [await api.get("auth.me"), { procedure: "auth.me", status: 401, appCode: "MISSING_TOKEN" }],
      [
        await api.post("auth.login", { email, password: "not-the-password" }),
        { procedure: "auth.login", status: 401, appCode: "INVALID_CREDENTIALS" },
      ],
      [
        await api.raw("/api/trpc/auth.me,auth.me?batch=1", { headers: bearer(access) }),
        { procedure: "auth.me,auth.me", status: 200 },
      ],
      // Refused by the transport before any call is read: no procedure named, a line all the same.
      [
        await api.raw("/api/trpc/auth.login", {
          method: "POST",
          headers: { "content-type": "text/plain" },
          body: "{}",
        }),
        { procedure: null, status: 415, appCode: "UNSUPPORTED_MEDIA_TYPE" },
      ],
      // Streamed: the head (200) goes before the calls run; their outcomes are in the stream.
      [
        await api.raw("/api/trpc/auth.me,auth.me?batch=1", {
          headers: { "trpc-accept": "application/jsonl" },
        }),
        { procedure: "auth.me,auth.me", status: 200, streamed: true },
      ],
      [
        await api.raw(`/api/trpc/${Array(11).fill("auth.me").join(",")}?batch=1`),
        { procedure: null, status: 400, appCode: "BAD_REQUEST" },
      ],
    ];

    // The build writes its log through a pipe: the last line may trail its response.
    const ids = answers.map(([reply]) => reply.headers.get("x-request-id") ?? "missing");
    for (let i = 0; i < 50 && !ids.every((id) => api.output().includes(id)); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const answered = linesOf(api.output()).filter((line) => line.msg === "answered");
    for (const [index, [, expected]] of answers.entries()) {
      const mine = answered.filter((line) => line.requestId === ids[index]);
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject(expected);
      if (!expected.appCode) expect(mine[0]).not.toHaveProperty("appCode");
      expect(mine[0]?.ms).toBeGreaterThanOrEqual(0);
    }
  });

  it("is left out with LOG_LEVEL=warn", async () => {
    const api = await serverWith({ ownDatabase: true, logLevel: "warn" });
    const reply = await api.get("auth.me");
    expect(reply.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(linesOf(api.output()).filter((line) => line.msg === "answered")).toEqual([]);
  });
});
