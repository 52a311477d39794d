// How long a logout on server A takes to reach server B: two standalone servers on one
// PostgreSQL, one session used on both, logout on A, B polled until it answers TOKEN_REVOKED.
import type { PgServer } from "./database";
import { freshDatabase } from "./database";
import type { Propagation } from "./results";
import { median } from "./stats";
import { type LaunchContext, startApp } from "./targets";
import { mutate, registerUsers } from "./users";

const POLL_MS = 5;
const GIVE_UP_MS = 5_000;

async function meStatus(
  base: string,
  access: string,
): Promise<{ status: number; appCode?: string }> {
  const response = await fetch(`${base}/api/trpc/auth.me`, {
    headers: { authorization: `Bearer ${access}` },
  });
  const body = (await response.json()) as { error?: { data?: { appCode?: string } } };
  return { status: response.status, appCode: body.error?.data?.appCode };
}

/** `tries` logouts, each timed from A's answer to the sending of B's first TOKEN_REVOKED call. */
export async function measurePropagation(
  pg: PgServer,
  ctx: LaunchContext,
  tries = 20,
): Promise<Propagation> {
  const db = await freshDatabase(pg.url, "propagation");
  // One after the other: both would run the migrations at once otherwise (safe, but slower).
  const a = await startApp("serve", ctx, { DATABASE_URL: db.url });
  try {
    const b = await startApp("serve", ctx, { DATABASE_URL: db.url });
    try {
      const [user] = await registerUsers(a.base, 1);
      if (!user) throw new Error("no user registered");
      const times: number[] = [];
      let missed = 0;
      for (let i = 0; i < tries; i++) {
        const pair = await mutate<{ access: string; refresh: string }>(a.base, "auth.login", {
          email: user.email,
          password: user.password,
        });
        // The session is used on both servers before it ends.
        for (const base of [a.base, b.base]) {
          const { status } = await meStatus(base, pair.access);
          if (status !== 200) throw new Error(`auth.me answered ${status} before logout`);
        }
        await mutate(a.base, "auth.logout", { refresh: pair.refresh });
        const loggedOut = performance.now();
        let revokedAfter: number | undefined;
        while (performance.now() - loggedOut < GIVE_UP_MS) {
          // Timed at the send: a request sent this long after the logout already saw it (the
          // answer's own latency is not propagation).
          const sentAt = performance.now();
          const { status, appCode } = await meStatus(b.base, pair.access);
          if (status === 401 && appCode === "TOKEN_REVOKED") {
            revokedAfter = sentAt - loggedOut;
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        }
        if (revokedAfter === undefined) missed++;
        else times.push(revokedAfter);
      }
      const round = (ms: number) => Math.round(ms * 10) / 10;
      return { tries, medianMs: round(median(times)), maxMs: round(Math.max(...times)), missed };
    } finally {
      await b.stop();
    }
  } finally {
    await a.stop();
    await db.drop();
  }
}
