// The database unreachable (in process: a port nobody listens on) answers a generic 500 and logs it.
import type { AddressInfo } from "node:net";
import { createPrismaClient } from "@kit/db";
import { describe, expect, it } from "vitest";
import { buildTestDeps } from "../../test/in-process-server";
import { createLogger } from "../logger";
import { createStandaloneServer } from "./standalone";

const json = { "content-type": "application/json" };

describe("unexpected failures", () => {
  it("answer 500 with no database text or stack when the database is unreachable", async () => {
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
      expect(res.status).toBe(500);
      expect(body.error.message).toBe("Internal server error.");
      expect(body.error.data).toMatchObject({
        code: "INTERNAL_SERVER_ERROR",
        appCode: "INTERNAL_SERVER_ERROR",
      });
      expect(body.error.data.stack).toBeUndefined();
      expect(JSON.stringify(body)).not.toMatch(/prisma|ECONNREFUSED|127\.0\.0\.1/i);
      // The error's line; the other is the access log's.
      expect(logged.filter((line) => !line.includes('"msg":"answered"')).length).toBe(1);
      expect(logged.join("\n")).not.toContain(password);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await prisma.$disconnect();
      await deps.limiter.close();
    }
  });
});
