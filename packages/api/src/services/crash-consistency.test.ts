// Nothing half-done when the server dies mid-stream: a server process is killed (SIGKILL) while
// refresh chains rotate and accounts register, then started again on the same database. Each
// session is then on its old token or its new one — the last token its client received is the
// session's current jti or the one just replaced, so it still refreshes (within the grace window)
// — none is revoked, and every registration left both its account and its first session, or
// neither. The grace window is set long here: a restart on a loaded machine can take longer than
// the default 10 s, and what this test checks is the state the crash left, not the window.
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { createPrismaClient, type PrismaClient } from "@kit/db";
import { freePort, provisionTestDatabase } from "@kit/db/testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { untilPrinted } from "../../test/process-probes";
import { rateLimitsOff } from "../../test/test-server";

const apiDir = path.resolve(import.meta.dirname, "../..");
const SECRET = "crash-test-0123456789-abcdefghijklmnopqrstuvwxyz";
const json = { "content-type": "application/json" };

let database: { url: string; dispose(): Promise<void> };
let db: PrismaClient;
beforeAll(async () => {
  database = await provisionTestDatabase({ serverUrl: inject("databaseUrl") });
  db = createPrismaClient(database.url);
});
afterAll(async () => {
  await db?.$disconnect();
  await database?.dispose();
});

/** The kit's standalone server as its own process (node itself, so SIGKILL leaves nothing). */
async function startServer(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/bin/serve.ts"], {
    cwd: apiDir,
    env: {
      ...process.env,
      ...rateLimitsOff(),
      NODE_ENV: "production",
      DATABASE_URL: database.url,
      AUTH_SECRET: SECRET,
      PORT: String(port),
      LOG_LEVEL: "warn",
      AUTH_REFRESH_REUSE_GRACE: "10m",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  await untilPrinted(child, "standalone tRPC server on");
  return child;
}

const post = (port: number, procedure: string, body: unknown) =>
  fetch(`http://127.0.0.1:${port}/api/trpc/${procedure}`, {
    method: "POST",
    headers: json,
    body: JSON.stringify(body),
  });

/** The jti a refresh token carries (read, not verified: the server verifies it below). */
const jtiOf = (token: string): string =>
  JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()).jti;

describe("a server killed mid-stream", () => {
  // Two server starts (tsx) and a minute's grace for the first rotations: more than the default.
  it("leaves every session on its old or new token, and registrations whole or absent", {
    timeout: 180_000,
  }, async () => {
    const port = await freePort();
    let server = await startServer(port);

    // Eight sessions, each a chain of refreshes as fast as the server answers.
    const chains = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        const email = `crash-${process.pid}-${Date.now()}-${i}@example.com`;
        const res = await post(port, "auth.register", { email, password: "crash-password-1" });
        const body = (await res.json()) as { result: { data: { refresh: string } } };
        return { email, refresh: body.result.data.refresh, rotations: 0 };
      }),
    );
    let stopped = false;
    const rotating = Promise.all(
      chains.map(async (chain) => {
        while (!stopped) {
          type Body = { result?: { data: { refresh: string } } };
          let answer: { status: number; body: Body };
          try {
            const res = await post(port, "auth.refresh", { refresh: chain.refresh });
            answer = { status: res.status, body: (await res.json()) as Body };
          } catch {
            return; // the connection died with the server: this answer was lost
          }
          // Outside the try: a refusal while the server runs is a failure, not a lost answer.
          expect(answer.status, JSON.stringify(answer.body)).toBe(200);
          chain.refresh = answer.body.result?.data.refresh ?? chain.refresh;
          chain.rotations += 1;
        }
      }),
    );
    rotating.catch(() => {}); // handled here, thrown by the await below
    // Registrations in flight too: each either answered or lost.
    const registering = Array.from({ length: 6 }, (_, i) => {
      const email = `crash-register-${process.pid}-${Date.now()}-${i}@example.com`;
      return post(port, "auth.register", { email, password: "crash-password-1" })
        .then((res) => ({ email, answered: res.status === 200 }))
        .catch(() => ({ email, answered: false }));
    });

    // Every chain rotated at least once (a loaded machine may take a while), then a moment of
    // rotations in full flow, then the kill.
    const deadline = Date.now() + 60_000;
    while (!chains.every((chain) => chain.rotations > 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    server.kill("SIGKILL");
    stopped = true;
    await rotating;
    const registrations = await Promise.all(registering);
    expect(chains.every((chain) => chain.rotations > 0)).toBe(true);

    // The last token each client received is its session's current jti, or the one the dying
    // server had just moved the session past: never further, never a jti the session never had.
    for (const chain of chains) {
      const session = await db.session.findFirstOrThrow({
        where: { user: { email: chain.email } },
        select: { refreshJti: true, previousJti: true },
      });
      expect([session.refreshJti, session.previousJti], chain.email).toContain(
        jtiOf(chain.refresh),
      );
    }

    server = await startServer(port);
    try {
      // Within the grace window that token refreshes, whichever of the two it is.
      for (const chain of chains) {
        const res = await post(port, "auth.refresh", { refresh: chain.refresh });
        expect(res.status, `${chain.email}: ${await res.text()}`).toBe(200);
      }
      const users = await db.user.findMany({
        where: { email: { in: chains.map((chain) => chain.email) } },
        select: { sessions: { select: { revokedAt: true } } },
      });
      const sessions = users.flatMap((user) => user.sessions);
      expect(sessions).toHaveLength(chains.length);
      expect(sessions.every((session) => session.revokedAt === null)).toBe(true);
      expect(await db.authEvent.count({ where: { type: "reuse_detected" } })).toBe(0);

      for (const { email, answered } of registrations) {
        const user = await db.user.findUnique({
          where: { email },
          select: { sessions: { select: { id: true } }, events: { select: { type: true } } },
        });
        if (answered) expect(user, email).not.toBeNull();
        if (user) {
          // Never an account without the session and event it was created with.
          expect(user.sessions, email).toHaveLength(1);
          expect(
            user.events.map((event) => event.type),
            email,
          ).toContain("registered");
        }
      }
    } finally {
      server.kill("SIGTERM");
    }
  });
});

describe("registration", () => {
  it("is all or nothing: when its session cannot be written, no account is left", async () => {
    const { startInProcessServer } = await import("../../test/in-process-server");
    const server = await startInProcessServer({ ownDatabase: true });
    try {
      await server.db.$executeRawUnsafe('ALTER TABLE "sessions" RENAME TO "sessions_gone"');
      const email = `half-${process.pid}-${Date.now()}@example.com`;
      const res = await server.post("auth.register", { email, password: "crash-password-1" });
      expect(res.status).toBeGreaterThanOrEqual(500);
      expect(await server.db.user.count({ where: { email } })).toBe(0);

      // Once the database is whole again, the same registration simply works.
      await server.db.$executeRawUnsafe('ALTER TABLE "sessions_gone" RENAME TO "sessions"');
      const again = await server.post("auth.register", { email, password: "crash-password-1" });
      expect(again.status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
