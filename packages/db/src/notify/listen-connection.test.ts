// LISTEN with reconnect against real PostgreSQL, and the session-change triggers it hears.
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { withClient } from "../embedded/database";
import { startFreezableProxy } from "../testing/freezable-proxy";
import { provisionTestDatabase } from "../testing/test-database";
import { listenWithReconnect, type NotifyListener } from "./listen-connection";
import { SESSION_CHANGE_CHANNEL } from "./session-change";

let db: { url: string; dispose(): Promise<void> };
beforeAll(async () => {
  db = await provisionTestDatabase({ serverUrl: inject("postgresServerUrl") });
});
afterAll(() => db?.dispose());

const sql = (text: string, values: unknown[] = []) =>
  withClient(db.url, (client) => client.query(text, values));

let listeners: NotifyListener[] = [];
afterEach(async () => {
  await Promise.all(listeners.map((listener) => listener.close()));
  listeners = [];
});

/** A listener on SESSION_CHANGE_CHANNEL that records what it hears and its state changes. */
function startListener(url: string, timing: { heartbeatMs?: number; timeoutMs?: number } = {}) {
  const applicationName = `listen-test-${randomBytes(4).toString("hex")}`;
  const heard: string[] = [];
  const states: { listening: boolean; code?: string }[] = [];
  const listener = listenWithReconnect({
    url,
    channel: SESSION_CHANGE_CHANNEL,
    applicationName,
    onNotification: (payload) => heard.push(payload),
    onStateChange: (listening, reason) => states.push({ listening, code: reason?.code }),
    reconnect: { firstDelayMs: 20, maxDelayMs: 200 },
    ...timing,
  });
  listeners.push(listener);
  return { listener, heard, states, applicationName };
}

const waitUntil = (check: () => boolean) =>
  vi.waitFor(() => expect(check()).toBe(true), { timeout: 10_000, interval: 20 });

/**
 * The payloads heard up to a marker notified after `change`: notifications arrive in commit
 * order, so once the marker is in, anything `change` sent is in too.
 */
async function heardAfter(heard: string[], change: () => Promise<unknown>): Promise<string[]> {
  const from = heard.length;
  await change();
  const marker = `marker-${randomUUID()}`;
  await sql("SELECT pg_notify($1, $2)", [SESSION_CHANGE_CHANNEL, marker]);
  await waitUntil(() => heard.includes(marker));
  return heard.slice(from, heard.indexOf(marker));
}

async function newUserAndSession(): Promise<{ userId: string; sessionId: string }> {
  const userId = randomUUID();
  const sessionId = randomUUID();
  await sql(
    `INSERT INTO users (id, email, password_hash, updated_at) VALUES ($1, $2, 'x', now())`,
    [userId, `${userId}@example.com`],
  );
  await sql(
    `INSERT INTO sessions (id, user_id, refresh_jti, expires_at, absolute_expires_at)
     VALUES ($1, $2, $3, now() + interval '1 day', now() + interval '30 days')`,
    [sessionId, userId, randomUUID()],
  );
  return { userId, sessionId };
}

describe("listenWithReconnect", () => {
  it("hears notifications once listening", async () => {
    const { listener, heard } = await startListener(db.url);
    await waitUntil(() => listener.listening);
    await sql("SELECT pg_notify($1, 'hello')", [SESSION_CHANGE_CHANNEL]);
    await waitUntil(() => heard.includes("hello"));
  });

  it("stops listening when its connection is killed, then reconnects and LISTENs again", async () => {
    const { listener, heard, states, applicationName } = await startListener(db.url);
    await waitUntil(() => listener.listening);
    const killed = await sql(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
      [applicationName],
    );
    expect(killed.rowCount).toBe(1);
    await waitUntil(() => states.length >= 3);
    expect(states.slice(0, 3)).toEqual([
      { listening: true, code: undefined },
      { listening: false, code: "LISTENER_CONNECTION_LOST" },
      { listening: true, code: undefined },
    ]);
    expect(listener.listening).toBe(true);
    await sql("SELECT pg_notify($1, 'after')", [SESSION_CHANGE_CHANNEL]);
    await waitUntil(() => heard.includes("after"));
  });

  it("notices a connection that went silent, through its heartbeat", async () => {
    const proxy = await startFreezableProxy(db.url);
    try {
      const { listener, states } = await startListener(proxy.url, {
        heartbeatMs: 100,
        timeoutMs: 300,
      });
      await waitUntil(() => listener.listening);
      proxy.freeze();
      await waitUntil(() => !listener.listening);
      await waitUntil(() => states.some((state) => state.code === "LISTENER_HEARTBEAT_TIMEOUT"));
      proxy.thaw();
      await waitUntil(() => listener.listening);
    } finally {
      await proxy.close();
    }
  });

  it("ends its connection at close() and stops reconnecting", async () => {
    const { listener, applicationName } = await startListener(db.url);
    await waitUntil(() => listener.listening);
    await listener.close();
    expect(listener.listening).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const left = await sql("SELECT 1 FROM pg_stat_activity WHERE application_name = $1", [
      applicationName,
    ]);
    expect(left.rowCount).toBe(0);
  });
});

describe("the session-change triggers", () => {
  it("notify when a session is revoked, cut short or deleted, and not when it rotates", async () => {
    const { listener, heard } = await startListener(db.url);
    await waitUntil(() => listener.listening);
    const { sessionId } = await newUserAndSession();

    const rotation = `UPDATE sessions SET refresh_jti = $2, previous_jti = refresh_jti,
      rotated_at = now(), last_used_at = now(), expires_at = expires_at + interval '1 hour'
      WHERE id = $1`;
    expect(await heardAfter(heard, () => sql(rotation, [sessionId, randomUUID()]))).toEqual([]);
    expect(
      await heardAfter(heard, () =>
        sql("UPDATE sessions SET expires_at = now() WHERE id = $1", [sessionId]),
      ),
    ).toEqual([`s:${sessionId}`]);
    expect(
      await heardAfter(heard, () =>
        sql("UPDATE sessions SET revoked_at = now() WHERE id = $1", [sessionId]),
      ),
    ).toEqual([`s:${sessionId}`]);
    expect(
      await heardAfter(heard, () => sql("DELETE FROM sessions WHERE id = $1", [sessionId])),
    ).toEqual([`s:${sessionId}`]);
  });

  it("notify when a user is deactivated, edited or deleted, not for updated_at alone", async () => {
    const { listener, heard } = await startListener(db.url);
    await waitUntil(() => listener.listening);
    const { userId, sessionId } = await newUserAndSession();

    expect(
      await heardAfter(heard, () =>
        sql("UPDATE users SET updated_at = now() WHERE id = $1", [userId]),
      ),
    ).toEqual([]);
    for (const change of ["is_active = false", "name = 'Ada'", "password_hash = 'y'"]) {
      expect(
        await heardAfter(heard, () => sql(`UPDATE users SET ${change} WHERE id = $1`, [userId])),
      ).toEqual([`u:${userId}`]);
    }
    // The cascade removes the session too, and says so.
    expect(
      (await heardAfter(heard, () => sql("DELETE FROM users WHERE id = $1", [userId]))).sort(),
    ).toEqual([`s:${sessionId}`, `u:${userId}`].sort());
  });

  it("send nothing for a change rolled back", async () => {
    const { listener, heard } = await startListener(db.url);
    await waitUntil(() => listener.listening);
    const { sessionId } = await newUserAndSession();
    const rolledBack = () =>
      withClient(db.url, async (client) => {
        await client.query("BEGIN");
        await client.query("UPDATE sessions SET revoked_at = now() WHERE id = $1", [sessionId]);
        await client.query("ROLLBACK");
      });
    expect(await heardAfter(heard, rolledBack)).toEqual([]);
  });
});
