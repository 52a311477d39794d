// Issue 9: wrong-password logins raced at one account from one client. Attempts are counted
// before any password is checked, so however many arrive at once (plain or batched), no more
// passwords are verified than the burst allows, and every other attempt is refused.
import { describe, expect, it } from "vitest";
import { serversPerTest, uniqueEmail } from "../../test/test-server";

const PASSWORD = "correct horse battery";
const BURST = 5;
/** The default lock (AUTH_RATE_LIMIT_LOGIN_BURST_LOCK), which these servers keep. */
const LOCK_SECONDS = 15 * 60;
const PLAIN = 100;
const BATCHES = 10;
const PER_BATCH = 10;

const startServer = serversPerTest();

/** What one call was answered: its HTTP status and appCode (for a batch, per call). */
interface Answer {
  status: number;
  appCode: string | undefined;
  retryAfter: number | null;
}

describe("concurrent wrong-password logins for one account from one client", () => {
  it("verify at most loginBurstFailures passwords, plain and batched (issue 9)", async () => {
    const api = await startServer({ rateLimits: { loginBurstFailures: BURST } });
    const email = uniqueEmail("race");
    const registered = await api.post("auth.register", { email, password: PASSWORD });
    expect(registered.status).toBe(200);
    const userId: string = registered.body.result.data.user.id;
    const wrong = { email, password: "wrong password" };

    const plain = Array.from({ length: PLAIN }, async (): Promise<Answer[]> => {
      const reply = await api.post("auth.login", wrong);
      const retryAfter = reply.headers.get("retry-after");
      return [
        {
          status: reply.status,
          appCode: reply.body?.error?.data?.appCode,
          retryAfter: retryAfter === null ? null : Number(retryAfter),
        },
      ];
    });
    const paths = Array.from({ length: PER_BATCH }, () => "auth.login").join(",");
    const body = JSON.stringify(
      Object.fromEntries(Array.from({ length: PER_BATCH }, (_, i) => [i, wrong])),
    );
    const batched = Array.from({ length: BATCHES }, async (): Promise<Answer[]> => {
      const reply = await api.raw(`/api/trpc/${paths}?batch=1`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      expect(Array.isArray(reply.body)).toBe(true);
      return (reply.body as { error?: { data?: { httpStatus?: number; appCode?: string } } }[]).map(
        (item) => ({
          status: item.error?.data?.httpStatus ?? 200,
          appCode: item.error?.data?.appCode,
          retryAfter: null,
        }),
      );
    });
    // Interleaved: plain and batched requests all in flight together.
    const answers = (await Promise.all([...plain, ...batched])).flat();
    expect(answers).toHaveLength(PLAIN + BATCHES * PER_BATCH);

    const refused = answers.filter((a) => a.status === 429 && a.appCode === "RATE_LIMITED");
    const rejected = answers.filter((a) => a.status === 401 && a.appCode === "INVALID_CREDENTIALS");
    // Nothing else: no 500 from the race, and certainly no 200.
    expect(refused.length + rejected.length).toBe(answers.length);

    // The password verifications actually run: each verified wrong password is one row.
    const verified = await api.db.authEvent.count({ where: { type: "login_failed", userId } });
    expect(verified).toBeLessThanOrEqual(BURST);
    expect(verified).toBe(rejected.length);
    expect(refused.length).toBeGreaterThanOrEqual(answers.length - BURST);

    // A refused attempt is told to come back after the lock, not after the 24 h burst window,
    // even when it was refused while the last admitted attempts were still being verified.
    for (const answer of refused) {
      if (answer.retryAfter === null) continue;
      expect(answer.retryAfter).toBeGreaterThan(0);
      expect(answer.retryAfter).toBeLessThanOrEqual(LOCK_SECONDS);
    }

    // The pair is locked: even the right password is refused now.
    const owner = await api.post("auth.login", { email, password: PASSWORD });
    expect(owner.status).toBe(429);
    expect(Number(owner.headers.get("retry-after"))).toBeLessThanOrEqual(LOCK_SECONDS);
  });
});
