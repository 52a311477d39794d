// Refreshes of one session queue behind each other (one swap per session at a time). While the
// database does not answer, each used to wait out a timeout of its own: 30 refreshes of one
// token were answered at 5, 9, 14, 19, 24, 28 s. One that has waited DATABASE_TIMEOUT in the
// queue is now answered 503 at once, and never sent.
import pg from "pg";
import { describe, expect, inject, it } from "vitest";
import { startInProcessServer } from "../../test/in-process-server";
import { uniqueEmail } from "../../test/test-server";
import { waitingToMark } from "./unanswered-rotations";

describe("a refresh queued behind its session's others", () => {
  it("answers 503 without being sent once it has waited DATABASE_TIMEOUT in the queue", async () => {
    // The swaps' pool, with DATABASE_TIMEOUT at 300 ms (its wait for a connection).
    const pool = new pg.Pool({
      connectionString: inject("databaseUrl"),
      connectionTimeoutMillis: 300,
    });
    const api = await startInProcessServer({ pool });
    try {
      const registered = await api.post("auth.register", {
        email: uniqueEmail("swap-queue"),
        password: "correct horse battery",
      });
      const token: string = registered.body.result.data.refresh;
      const sid = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()).sid;
      const replies = await api.db.$transaction(
        async (tx) => {
          // An operator's transaction holds the session's row: the first swap waits for it.
          await tx.$queryRaw`SELECT 1 FROM sessions WHERE id = ${sid}::uuid FOR UPDATE`;
          const sent = [1, 2, 3].map(() => api.post("auth.refresh", { refresh: token }));
          await new Promise((resolve) => setTimeout(resolve, 1500));
          return sent;
        },
        { timeout: 10_000 },
      );
      const answers = await Promise.all(replies);
      expect(answers.map((reply) => reply.status).sort()).toEqual([200, 503, 503]);
      for (const reply of answers.filter((answer) => answer.status === 503)) {
        expect(reply.body.error.data.appCode).toBe("DB_UNAVAILABLE");
      }
      // Never sent, so nothing to mark: the client still holds the current token.
      expect(waitingToMark(api.deps.prisma)).toBe(0);
      expect(await api.db.authEvent.count({ where: { sessionId: sid, type: "refreshed" } })).toBe(
        1,
      );
    } finally {
      await api.close();
      await pool.end();
    }
  }, 30_000);
});
