// GET /api/health on either server: 200 while its database answers, 503 once it cannot reach it,
// never cached by others.
import pg from "pg";
import { describe, expect, inject, it } from "vitest";
import { serversPerTest } from "../../test/test-server";
import { HEALTH_REUSE_MS, HEALTH_TIMEOUT_MS } from "./health";

const serverWith = serversPerTest();

/**
 * Shuts a server out of its own database: no new connection is allowed, and its open ones are
 * ended. Done from the run's database on the same PostgreSQL server, which stays reachable.
 * Returns the undo.
 */
async function cutOff(databaseUrl: string): Promise<() => Promise<void>> {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
  const admin = new pg.Client({ connectionString: inject("databaseUrl") });
  await admin.connect();
  const quoted = `"${name.replaceAll('"', '""')}"`;
  await admin.query(`ALTER DATABASE ${quoted} ALLOW_CONNECTIONS false`);
  await admin.query(
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
    [name],
  );
  return async () => {
    await admin.query(`ALTER DATABASE ${quoted} ALLOW_CONNECTIONS true`);
    await admin.end();
  };
}

describe("GET /api/health", () => {
  it("answers 200 with the database ok, never to be cached, with the API's headers", async () => {
    const api = await serverWith();
    const reply = await api.raw("/api/health");
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ status: "ok", database: "ok" });
    expect(reply.headers.get("cache-control")).toBe("no-store");
    expect(reply.headers.get("content-type")).toMatch(/^application\/json/);
    // As on every API answer (README, "Security headers"); it had neither.
    expect(reply.headers.get("x-content-type-options")).toBe("nosniff");
    expect(reply.headers.get("content-security-policy")).toBe(
      "default-src 'none'; frame-ancestors 'none'",
    );
  });

  it("answers HEAD without a body, and any other method 405 with Allow, from either handler", async () => {
    const api = await serverWith();
    const head = await api.raw("/api/health", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.body).toBe("");
    for (const method of ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"]) {
      const refused = await api.raw("/api/health", { method });
      expect(refused.status, method).toBe(405);
      expect(refused.headers.get("allow"), method).toBe("GET, HEAD");
      expect(refused.headers.get("cache-control"), method).toBe("no-store");
      expect(refused.body, method).toEqual({ error: "METHOD_NOT_ALLOWED" });
    }
  });

  it("answers 503 while the database cannot be reached, and 200 again once it can", async () => {
    const api = await serverWith({ ownDatabase: true });
    expect((await api.raw("/api/health")).status).toBe(200);
    const restore = await cutOff(api.databaseUrl);
    try {
      // The check that answered 200 answers for HEALTH_REUSE_MS more: a probe may repeat it until
      // then, and must not after.
      const started = Date.now();
      let reply = await api.raw("/api/health");
      while (reply.status === 200 && Date.now() - started < HEALTH_REUSE_MS + 13_000) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        reply = await api.raw("/api/health");
      }
      expect(reply.status).toBe(503);
      expect(reply.body).toEqual({ status: "unavailable", database: "unreachable" });
      expect(reply.headers.get("cache-control")).toBe("no-store");
      // Bounded: the last check's reuse, then the probe's 2 s timeout; never a hang. The slack is wide, for a
      // loaded machine (timers fire late, the reply waits for the CPU), and still tells one from
      // a probe left waiting on the database.
      expect(Date.now() - started).toBeLessThan(HEALTH_REUSE_MS + HEALTH_TIMEOUT_MS + 13_000);
    } finally {
      await restore();
    }
    // The pool reconnects on its own, normally at the first probe; 30 s for a loaded machine,
    // at no cost once it has.
    let status = 0;
    const deadline = Date.now() + 30_000;
    while (status !== 200 && Date.now() < deadline) {
      status = (await api.raw("/api/health")).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe(200);
  });
});
