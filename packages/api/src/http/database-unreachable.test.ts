// A database nobody answers for (in process: a port nobody listens on) answers 503
// DB_UNAVAILABLE with Retry-After, at once, with no database text or stack, and logs no error.
import type { AddressInfo } from "node:net";
import { createPrismaClient } from "@kit/db";
import { describe, expect, it } from "vitest";
import { buildTestDeps } from "../../test/in-process-server";
import { createLogger } from "../logger";
import { DB_UNAVAILABLE_RETRY_SECONDS } from "./retry-after";
import { createStandaloneServer } from "./standalone";

const json = { "content-type": "application/json" };

describe("an unreachable database", () => {
  it("answers 503 DB_UNAVAILABLE with Retry-After and no database text", async () => {
    // A port nobody listens on: Prisma fails with its own message, which must stay on the server.
    const prisma = createPrismaClient("postgresql://kit:kit@127.0.0.1:1/kit");
    const logged: string[] = [];
    const logger = createLogger({ write: (line: string) => void logged.push(line) });
    const deps = buildTestDeps(prisma, { logger });
    const server = createStandaloneServer(deps);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const password = "a secret password";
      const res = await fetch(`http://127.0.0.1:${port}/api/trpc/auth.login`, {
        method: "POST",
        headers: json,
        body: JSON.stringify({ email: "someone@example.com", password }),
      });
      const body = (await res.json()) as {
        error: { message: string; data: Record<string, unknown> };
      };
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe(String(DB_UNAVAILABLE_RETRY_SECONDS));
      expect(body.error.data).toMatchObject({
        code: "SERVICE_UNAVAILABLE",
        httpStatus: 503,
        appCode: "DB_UNAVAILABLE",
      });
      expect(body.error.data.stack).toBeUndefined();
      expect(JSON.stringify(body)).not.toMatch(/prisma|ECONNREFUSED|127\.0\.0\.1|reach/i);
      // Only the access log's line: an outage is not an unexpected error to report per call.
      expect(logged.filter((line) => !line.includes('"msg":"answered"'))).toEqual([]);
      expect(logged.join("\n")).not.toContain(password);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await prisma.$disconnect();
      await deps.limiter.close();
    }
  });
});
