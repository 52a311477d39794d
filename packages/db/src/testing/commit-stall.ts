// A replication stall on a test's own server: every commit waits for a synchronous standby that
// is named and absent, as when the only standby is lost. Cluster-wide, so never on a shared
// server: start one with startThrowawayPostgres or provisionTestDatabase.
import pg from "pg";

export interface CommitStall {
  /** Backends waiting for the standby now. */
  waiting(): Promise<number>;
  /** Polls `waiting()` until it says `expected` or `withinMs` pass; resolves to what it last said. */
  settle(expected: number, withinMs: number): Promise<number>;
  /** Forgets the standby (every waiting commit returns) and closes the admin connection. */
  end(): Promise<void>;
}

const STANDBY = "absent_standby";
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Stalls the commits of every database on `url`'s server; `url` must be a superuser's. */
export async function stallCommits(url: string): Promise<CommitStall> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const database = admin.escapeIdentifier((await current(admin, "current_database()")) ?? "");
  // A throwaway server starts with synchronous_commit off, which skips the wait: the database's
  // own setting outranks the server's command line.
  await admin.query(`ALTER DATABASE ${database} SET synchronous_commit = 'on'`);
  await admin.query(`ALTER SYSTEM SET synchronous_standby_names = '${STANDBY}'`);
  await admin.query("SELECT pg_reload_conf()");
  await untilNewSessionsSee(url, STANDBY);

  const waiting = async () => {
    const { rows } = await admin.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event = 'SyncRep'",
    );
    return rows[0]?.n ?? 0;
  };
  return {
    waiting,
    async settle(expected, withinMs) {
      const until = Date.now() + withinMs;
      let seen = await waiting();
      while (seen !== expected && Date.now() < until) {
        await pause(50);
        seen = await waiting();
      }
      return seen;
    },
    async end() {
      await admin.query("ALTER SYSTEM RESET synchronous_standby_names");
      await admin.query(`ALTER DATABASE ${database} RESET synchronous_commit`);
      await admin.query("SELECT pg_reload_conf()");
      await admin.end();
    },
  };
}

async function current(client: pg.ClientBase, expression: string): Promise<string | undefined> {
  const { rows } = await client.query<{ value: string }>(`SELECT ${expression} AS value`);
  return rows[0]?.value;
}

// pg_reload_conf only signals the server: wait until a new session sees the standby named.
async function untilNewSessionsSee(url: string, names: string): Promise<void> {
  for (let tries = 0; tries < 100; tries += 1) {
    const probe = new pg.Client({ connectionString: url });
    await probe.connect();
    try {
      if ((await current(probe, "current_setting('synchronous_standby_names')")) === names) return;
    } finally {
      await probe.end();
    }
    await pause(50);
  }
  throw new Error(`the server did not take synchronous_standby_names = '${names}'`);
}
