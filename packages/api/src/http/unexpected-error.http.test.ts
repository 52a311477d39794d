// A failure nobody planned for answers a generic 500 on either server: no stack, no database
// text, and a request id in `X-Request-Id` that names the one structured log line it left.
import { describe, expect, it } from "vitest";
import { serversPerTest } from "../../test/test-server";

const serverWith = serversPerTest();

/** The JSON log lines (pino) among whatever else the server printed. */
function logLines(output: string): Record<string, unknown>[] {
  return output
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("an unexpected error", () => {
  it("answers 500 with a request id, and logs one line with the procedure and that id", async () => {
    // A database of its own, broken on purpose: the users table is gone from under the server.
    const api = await serverWith({ ownDatabase: true });
    await api.db.$executeRawUnsafe('ALTER TABLE "users" RENAME TO "users_gone"');
    const password = "a secret password";
    const reply = await api.post("auth.login", { email: "someone@example.com", password });

    expect(reply.status).toBe(500);
    expect(reply.body.error.message).toBe("Internal server error.");
    expect(reply.body.error.data).toMatchObject({
      code: "INTERNAL_SERVER_ERROR",
      httpStatus: 500,
      appCode: "INTERNAL_SERVER_ERROR",
    });
    expect(reply.body.error.data.stack).toBeUndefined();
    expect(JSON.stringify(reply.body)).not.toMatch(/prisma|users_gone|relation|postgres/i);

    const requestId = reply.headers.get("x-request-id");
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    // The log line may be written just after the response.
    let lines: Record<string, unknown>[] = [];
    for (let i = 0; i < 50; i += 1) {
      lines = logLines(api.output()).filter(
        (line) => line.requestId === requestId && line.msg !== "answered",
      );
      if (lines.length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 50, procedure: "auth.login", msg: "unexpected error" });
    expect(api.output()).not.toContain(password);
  });

  it("is not what a documented failure looks like: those carry their own code, and a request id", async () => {
    const api = await serverWith();
    const reply = await api.get("auth.me", undefined, { authorization: "Bearer abc.def.ghi" });
    expect(reply.status).toBe(401);
    expect(reply.body.error.data.appCode).toBe("INVALID_TOKEN");
    expect(reply.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(logLines(api.output()).filter((line) => line.level === 50)).toHaveLength(0);
  });
});
