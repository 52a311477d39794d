// The hashing queue seen over HTTP: a login flood past it is turned away with 503 SERVER_BUSY and
// Retry-After, never a 500, and requests that hash nothing are not held up behind it. In process
// only: the tests hold the queue's slot themselves (deps.passwordQueue), so nothing hangs on
// timing (the row of the README's table is provoked on both servers by error-codes.http.test.ts).
import { describe, expect, it, vi } from "vitest";
import {
  type InProcessOptions,
  type InProcessServer,
  startInProcessServer,
} from "../../test/in-process-server";
import { bearer, type Reply, serversPerTest, uniqueEmail } from "../../test/test-server";

const serverWith = serversPerTest<InProcessOptions, InProcessServer>(startInProcessServer);
const PASSWORD = "correct horse battery";
// Logins of one account from one client, many at once: the burst limit must not be what answers.
const NO_BURST = { loginBurstFailures: 10_000 };

/** Takes the queue's only slot until `release()`: every job behind it waits, or is refused. */
function holdSlot(api: InProcessServer) {
  let release!: () => void;
  const held = api.deps.passwordQueue.run(
    () => new Promise<void>((resolve) => (release = resolve)),
  );
  return {
    release: async () => {
      release();
      await held;
    },
  };
}

async function signUp(api: InProcessServer) {
  const email = uniqueEmail("busy");
  const reply = await api.post("auth.register", { email, password: PASSWORD });
  expect(reply.status).toBe(200);
  return { email, access: reply.body.result.data.access as string };
}

/** Sends the calls at once; `settled` counts the answers so far. */
function sendAll(calls: (() => Promise<Reply>)[]) {
  const progress = { settled: 0 };
  const replies = Promise.all(
    calls.map((call) =>
      call().then((reply) => {
        progress.settled += 1;
        return reply;
      }),
    ),
  );
  return { progress, replies };
}

const WAIT = { timeout: 20_000, interval: 10 };

describe("a full hashing queue", () => {
  it("answers the logins past it 503 SERVER_BUSY with Retry-After, the others 200, none 500", async () => {
    const api = await serverWith({ hashConcurrency: 1, hashQueue: 2, rateLimits: NO_BURST });
    const { email } = await signUp(api);
    const slot = holdSlot(api);
    const login = () => api.post("auth.login", { email, password: PASSWORD });
    const flood = sendAll(Array.from({ length: 10 }, () => login));
    // Two wait in the line; the other eight are answered without waiting for the slot.
    await vi.waitFor(() => {
      expect(api.deps.passwordQueue.waiting).toBe(2);
      expect(flood.progress.settled).toBe(8);
    }, WAIT);
    await slot.release();
    const replies = await flood.replies;
    const busy = replies.filter((reply) => reply.status === 503);
    expect(replies.filter((reply) => reply.status === 200)).toHaveLength(2);
    expect(busy).toHaveLength(8);
    for (const reply of busy) {
      expect(reply.body.error.data).toMatchObject({ httpStatus: 503, appCode: "SERVER_BUSY" });
      expect(reply.headers.get("retry-after")).toBe("1");
    }
  });

  it("answers only 200 or 503 to a flood on real hashing, never 500", async () => {
    const api = await serverWith({ hashConcurrency: 1, hashQueue: 1, rateLimits: NO_BURST });
    const { email } = await signUp(api);
    const { replies } = sendAll(
      Array.from({ length: 30 }, () => () => api.post("auth.login", { email, password: PASSWORD })),
    );
    const statuses = new Set((await replies).map((reply) => reply.status));
    expect([...statuses].filter((status) => status !== 200 && status !== 503)).toEqual([]);
  });

  it("charges a turned-away login to no budget: it checked no password", async () => {
    // Three failures in a row would lock the pair; five busy answers must not.
    const api = await serverWith({
      hashConcurrency: 1,
      hashQueue: 0,
      rateLimits: { loginBurstFailures: 3 },
    });
    const { email } = await signUp(api);
    const slot = holdSlot(api);
    for (let i = 0; i < 5; i += 1) {
      const reply = await api.post("auth.login", { email, password: PASSWORD });
      expect(reply.body.error.data.appCode).toBe("SERVER_BUSY");
    }
    await slot.release();
    expect((await api.post("auth.login", { email, password: PASSWORD })).status).toBe(200);
  });

  it("answers auth.me while logins wait for the hashing slot", async () => {
    const api = await serverWith({ hashConcurrency: 1, hashQueue: 64, rateLimits: NO_BURST });
    const { email, access } = await signUp(api);
    const slot = holdSlot(api);
    const queued = sendAll(
      Array.from({ length: 20 }, () => () => api.post("auth.login", { email, password: PASSWORD })),
    );
    await vi.waitFor(() => expect(api.deps.passwordQueue.waiting).toBe(20), WAIT);
    const me = await api.get("auth.me", undefined, bearer(access));
    expect(me.status).toBe(200);
    expect(me.body.result.data.email).toBe(email);
    // auth.me was answered while every login still waited.
    expect(queued.progress.settled).toBe(0);
    await slot.release();
    expect((await queued.replies).map((reply) => reply.status)).toEqual(Array(20).fill(200));
  });

  it("answers auth.me before a line of real logins has drained", async () => {
    // Real argon2 this time, one at a time: 40 logins take some 40 × 15 ms to get through.
    const api = await serverWith({ hashConcurrency: 1, hashQueue: 64, rateLimits: NO_BURST });
    const { email, access } = await signUp(api);
    const queued = sendAll(
      Array.from({ length: 40 }, () => () => api.post("auth.login", { email, password: PASSWORD })),
    );
    await vi.waitFor(() => expect(api.deps.passwordQueue.waiting).toBeGreaterThanOrEqual(20), WAIT);
    const me = await api.get("auth.me", undefined, bearer(access));
    expect(me.status).toBe(200);
    expect(queued.progress.settled).toBeLessThan(40);
    expect((await queued.replies).every((reply) => reply.status === 200)).toBe(true);
  });
});
