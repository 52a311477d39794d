// `pnpm auth` as an operator runs it: a process against a real database, judged by its output,
// its exit code and what it changed.
import { spawn } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createPrismaClient } from "@kit/db";
import { freePort, provisionTestDatabase, runToEnd, startSilentServer } from "@kit/db/testing";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { startInProcessServer } from "../../test/in-process-server";
import { bearer, serversPerTest, TEST_SECRET, uniqueEmail } from "../../test/test-server";
import { accessClaims } from "../access-claims";
import { accessClaimNames } from "../claims/define-access-claims";
import { createAuthRateLimiter } from "../rate-limit";

// Each test runs the command several times, each a process of its own (tsx: seconds apiece on a
// loaded 2-core CI machine, where five took 30 s).
vi.setConfig({ testTimeout: 90_000 });

const apiDir = path.resolve(import.meta.dirname, "../..");
const PASSWORD = "correct horse battery staple";

/** Runs `pnpm auth <args>` (its bin, through tsx) with `input` on stdin. */
function auth(
  args: string[],
  // An undefined value leaves the variable out of the child's environment.
  options: { env?: Record<string, string | undefined>; input?: string } = {},
) {
  const child = spawn(
    path.join(apiDir, "node_modules", ".bin", "tsx"),
    ["src/bin/auth.ts", ...args],
    {
      cwd: apiDir,
      env: {
        ...process.env,
        NODE_ENV: "production",
        AUTH_SECRET: TEST_SECRET,
        DATABASE_URL: inject("databaseUrl"),
        ...options.env,
      },
      stdio: ["pipe", "pipe", "pipe"],
    },
  );
  return runToEnd(child, options.input);
}

const serverWith = serversPerTest(startInProcessServer);
const db = createPrismaClient(inject("databaseUrl"));
afterAll(async () => {
  await db.$disconnect();
});

describe("pnpm auth: usage", () => {
  it("prints its help with exit 0, and answers a wrong call with exit 2", async () => {
    const help = await auth(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("create-user --email");
    expect(help.stdout).toContain("sessions prune");

    const unknown = await auth(["drop-everything"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command: drop-everything");
    // Asking for help does not make it a command (a script checking the exit code would think so).
    const unknownHelp = await auth(["drop-everything", "--help"]);
    expect([unknownHelp.code, unknownHelp.stdout]).toEqual([2, ""]);
    expect(unknownHelp.stderr).toContain("unknown command: drop-everything");
    const commandHelp = await auth(["create-user", "--help"]);
    expect(commandHelp.code).toBe(0);
    expect(commandHelp.stdout).toContain("create-user --email");

    // The last word of a two-word command is named whole.
    const last = await auth(["prune"]);
    expect([last.code, last.stderr.split("\n")[0]]).toEqual([
      2,
      "error: unknown command: prune; did you mean sessions prune?",
    ]);

    const half = await auth(["sessions"]);
    expect([half.code, half.stderr]).toEqual([
      2,
      "error: sessions is not a command; did you mean sessions prune?\n(pnpm auth --help lists the commands)\n",
    ]);

    const extra = await auth(["create-user", "--email", "a@example.com", "extra"]);
    expect([extra.code, extra.stderr]).toEqual([
      2,
      "error: create-user takes no argument extra\n(pnpm auth --help lists the commands)\n",
    ]);

    const noEmail = await auth(["deactivate-user"]);
    expect(noEmail.code).toBe(2);
    expect(noEmail.stderr).toContain("needs --email");

    const stray = await auth(["check", "--email", "a@example.com"]);
    expect(stray.code).toBe(2);

    // Not the last one silently: which account was meant?
    const twice = await auth([
      "deactivate-user",
      "--email",
      "a@example.com",
      "--email=b@example.com",
    ]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain("--email is given more than once");
  });
});

describe("pnpm auth create-user", () => {
  it("creates an account from a piped password, which then signs in over HTTP", async () => {
    const email = uniqueEmail("cli");
    const run = await auth(
      ["create-user", "--email", email.toUpperCase(), "--name", "Ops", "--password-stdin"],
      { input: `${PASSWORD}\n` },
    );
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`created user ${email}`);
    expect(run.stdout).not.toContain(PASSWORD);
    const user = await db.user.findUniqueOrThrow({ where: { email } });
    expect(user.name).toBe("Ops");
    expect(await db.authEvent.count({ where: { userId: user.id, type: "user_created" } })).toBe(1);

    const api = await serverWith();
    const login = await api.post("auth.login", { email, password: PASSWORD });
    expect(login.status).toBe(200);
    expect(login.body.result.data.user.email).toBe(email);
  });

  it("refuses a password the policy refuses, an email taken, and a terminal-less prompt", async () => {
    const email = uniqueEmail("cli-refused");
    const weak = await auth(["create-user", "--email", email, "--password-stdin"], {
      input: "short\n",
    });
    expect(weak.code).toBe(1);
    expect(weak.stderr).toMatch(/error: Password must be at least \d+ characters/);
    const guessable = await auth(["create-user", "--email", email, "--password-stdin"], {
      input: "iloveyou1\n",
    });
    expect(guessable.code).toBe(1);
    expect(guessable.stderr).toContain(
      "error: This password is too easy to guess: it is one of the most common passwords.",
    );

    expect(await db.user.count({ where: { email } })).toBe(0);

    // No terminal and no --password-stdin: nothing to prompt on.
    const noTty = await auth(["create-user", "--email", email]);
    expect(noTty.code).toBe(2);
    expect(noTty.stderr).toContain("--password-stdin");

    const first = await auth(["create-user", "--email", email, "--password-stdin"], {
      input: PASSWORD,
    });
    expect(first.code).toBe(0);
    const again = await auth(["create-user", "--email", email, "--password-stdin"], {
      input: PASSWORD,
    });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("already exists");
    // Said before any password is read.
    const takenEmpty = await auth(["create-user", "--email", email, "--password-stdin"], {
      input: "",
    });
    expect([takenEmpty.code, takenEmpty.stderr]).toEqual([
      1,
      `error: an account with email ${email} already exists\n`,
    ]);
    // Without a terminal to ask on, said before the database is opened: on the embedded one
    // (DATABASE_URL unset) nothing starts, in a data folder left empty.
    const dataDir = await mkdtemp(path.join(tmpdir(), "kit-cli-notty-"));
    try {
      const noTtyEmbedded = await auth(["create-user", "--email", email], {
        env: { DATABASE_URL: undefined, DATA_DIR: dataDir, NODE_ENV: "development" },
      });
      expect([noTtyEmbedded.code, noTtyEmbedded.stderr.split("\n")[0]]).toEqual([
        2,
        "error: stdin is not a terminal: pipe the password in with --password-stdin",
      ]);
      expect(await readdir(dataDir)).toEqual([]);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
    const nothingPiped = await auth(
      ["create-user", "--email", uniqueEmail("cli-empty"), "--password-stdin"],
      { input: "" },
    );
    expect(nothingPiped.code).toBe(2);
    expect(nothingPiped.stderr).toContain("--password-stdin: nothing on stdin");
  });
});

describe("pnpm auth create-user --admin / set-role", () => {
  it("creates an admin who may call the admin router over HTTP", async () => {
    const email = uniqueEmail("cli-admin");
    const run = await auth(["create-user", "--email", email, "--admin", "--password-stdin"], {
      input: `${PASSWORD}\n`,
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`created admin ${email}`);
    const created = await db.user.findUniqueOrThrow({ where: { email } });
    expect(created.role).toBe("admin");
    // The grant is on the trail beside the creation.
    const events = await db.authEvent.findMany({
      where: { userId: created.id },
      orderBy: { id: "asc" },
    });
    expect(events.map((event) => event.type)).toEqual(["user_created", "role_set_admin"]);

    const api = await serverWith();
    const { access } = (await api.post("auth.login", { email, password: PASSWORD })).body.result
      .data;
    expect((await api.get("admin.users", undefined, bearer(access))).status).toBe(200);
  });

  it("gives and takes the admin role, which counts at the account's next call", async () => {
    const api = await serverWith();
    const email = uniqueEmail("cli-role");
    const registered = await api.post("auth.register", { email, password: PASSWORD });
    const { access } = registered.body.result.data;
    const adminCall = () => api.get("admin.users", undefined, bearer(access));
    expect((await adminCall()).status).toBe(403);

    const promote = await auth(["set-role", "--email", email, "--role", "admin"]);
    expect(promote.stderr).toBe("");
    expect(promote.code).toBe(0);
    expect(promote.stdout).toContain(`${email} now has the role admin`);
    expect((await adminCall()).status).toBe(200);
    const again = await auth(["set-role", "--email", email, "--role", "admin"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("already has the role admin");

    const demote = await auth(["set-role", "--email", email, "--role", "user"]);
    expect(demote.code).toBe(0);
    expect((await adminCall()).status).toBe(403);
    const user = await db.user.findUniqueOrThrow({ where: { email } });
    const roleEvents = await db.authEvent.findMany({
      where: { userId: user.id, type: { startsWith: "role_" } },
      orderBy: { id: "asc" },
      select: { type: true },
    });
    // The role by name; the change that changed nothing, no row.
    expect(roleEvents.map((event) => event.type)).toEqual(["role_set_admin", "role_set_user"]);
  });

  it("refuses a role that does not exist, a missing --role, and an unknown email", async () => {
    const email = uniqueEmail("cli-role-bad");
    const wrong = await auth(["set-role", "--email", email, "--role", "root"]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('--role admin or --role user (not "root")');
    const missing = await auth(["set-role", "--email", email]);
    expect(missing.code).toBe(2);
    const unknown = await auth(["set-role", "--email", email, "--role", "admin"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("no account with email");
  });
});

describe("pnpm auth deactivate-user / reactivate-user", () => {
  it("ends an open session at its next call on a running server, and refuses sign-in until reactivated", async () => {
    const api = await serverWith();
    const email = uniqueEmail("cli-deactivate");
    const registered = await api.post("auth.register", { email, password: PASSWORD });
    expect(registered.status).toBe(200);
    const { access } = registered.body.result.data;
    // Twice: the second answer comes from the server's session cache.
    expect((await api.get("auth.me", undefined, bearer(access))).status).toBe(200);
    expect((await api.get("auth.me", undefined, bearer(access))).status).toBe(200);

    const off = await auth(["deactivate-user", "--email", email]);
    expect(off.stderr).toBe("");
    expect(off.code).toBe(0);
    expect(off.stdout).toContain("1 session(s) revoked");

    const me = await api.get("auth.me", undefined, bearer(access));
    expect(me.status).toBe(401);
    expect(me.body.error.data.appCode).toBe("USER_NOT_FOUND");
    const user = await db.user.findUniqueOrThrow({ where: { email } });
    expect(user.isActive).toBe(false);
    const sessions = await db.session.findMany({ where: { userId: user.id } });
    expect(sessions.map((session) => session.revokedReason)).toEqual(["deactivated"]);
    expect(await db.authEvent.count({ where: { userId: user.id, type: "user_deactivated" } })).toBe(
      1,
    );
    expect((await api.post("auth.login", { email, password: PASSWORD })).status).toBe(401);

    const twice = await auth(["deactivate-user", "--email", email]);
    expect(twice.code).toBe(0);
    expect(twice.stdout).toContain("already inactive");

    const on = await auth(["reactivate-user", "--email", email]);
    expect(on.code).toBe(0);
    expect((await api.post("auth.login", { email, password: PASSWORD })).status).toBe(200);
  });

  it("says so, with exit 1, for an email nobody has", async () => {
    const run = await auth(["deactivate-user", "--email", uniqueEmail("nobody")]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("no account with email");
  });
});

describe("pnpm auth unlock-user", () => {
  it("lets an account locked by failed logins sign in again at once, on a running server", async () => {
    // The servers' store: the same database's table (Redis has its own test in redis-store.test).
    const limiter = createAuthRateLimiter({
      store: { kind: "postgres", url: inject("databaseUrl") },
      settings: { loginBurstFailures: 2, loginBurstLockSeconds: 900 },
    });
    const api = await startInProcessServer({ limiter });
    try {
      const email = uniqueEmail("cli-unlock");
      expect((await api.post("auth.register", { email, password: PASSWORD })).status).toBe(200);
      for (const _ of [1, 2]) {
        const wrong = await api.post("auth.login", { email, password: "not the password" });
        expect(wrong.status).toBe(401);
      }
      const locked = await api.post("auth.login", { email, password: PASSWORD });
      expect(locked.status).toBe(429);

      const run = await auth(["unlock-user", "--email", email.toUpperCase()]);
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^cleared \d+ sign-in count\(s\) of cli-unlock-/);
      // It says where it looked: the servers may count elsewhere (Redis), which it cannot see.
      expect(run.stdout).toContain(" in the database (REDIS_URL unset: ");
      expect((await api.post("auth.login", { email, password: PASSWORD })).status).toBe(200);
      const user = await db.user.findUniqueOrThrow({ where: { email } });
      const events = await db.authEvent.findMany({
        where: { userId: user.id, type: "user_unlocked" },
        select: { actorId: true, ip: true, userAgent: true },
      });
      expect(events).toEqual([{ actorId: null, ip: null, userAgent: "kit-cli" }]);

      const nobody = await auth(["unlock-user", "--email", uniqueEmail("nobody")]);
      expect(nobody.code).toBe(1);
      expect(nobody.stderr).toContain("no account with email");
      const bad = await auth(["unlock-user", "--email", "not-an-email"]);
      expect(bad.code).toBe(2);

      // A Redis store that does not answer: one line naming it, nothing recorded.
      const redisPort = await freePort();
      const down = await auth(["unlock-user", "--email", email], {
        env: { REDIS_URL: `redis://127.0.0.1:${redisPort}` },
      });
      expect(down.code).toBe(1);
      expect(down.stderr.trim()).toMatch(
        new RegExp(
          `^error: the rate limiter's store \\(Redis at 127\\.0\\.0\\.1:${redisPort}\\) did not answer: .+; nothing was cleared$`,
        ),
      );
      expect(await db.authEvent.count({ where: { userId: user.id, type: "user_unlocked" } })).toBe(
        1,
      );
    } finally {
      await api.close();
      await limiter.close();
    }
  });
});

describe("pnpm auth on a database that never answers", () => {
  it("gives up after DATABASE_TIMEOUT, in one line", async () => {
    const silent = await startSilentServer();
    try {
      const started = Date.now();
      const run = await auth(["set-role", "--email", "x@example.com", "--role", "user"], {
        env: { DATABASE_URL: silent.url, DATABASE_TIMEOUT: "1s" },
      });
      expect(run.code).toBe(1);
      // Before: "within 5000 ms" whatever DATABASE_TIMEOUT said.
      expect(run.stderr).toMatch(/did not answer within 1000 ms \(DATABASE_TIMEOUT\)/);
      expect(run.stderr).not.toMatch(/^\s+at /m);
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      await silent.close();
    }
  });

  it("says, in a line or two with no source code, that a statement ran out of time, and that it is safe to run again", async () => {
    const email = uniqueEmail("cli-stalled");
    await db.user.create({ data: { email, passwordHash: "not-a-hash" } });
    // Another transaction holds the account's row past DATABASE_TIMEOUT (a stalled commit, a
    // long migration): the command's statement waits for it and is cancelled.
    const run = await db.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT 1 FROM users WHERE email = ${email} FOR UPDATE`;
        return auth(["deactivate-user", "--email", email], { env: { DATABASE_TIMEOUT: "1s" } });
      },
      { timeout: 60_000, maxWait: 10_000 },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: the database did not answer in time/m);
    expect(run.stderr).toMatch(/safe to run again/);
    // Before: Prisma's message, with this file's path and the lines around the call.
    expect(run.stderr).not.toMatch(/invocation|\.ts:\d+|→/);
    expect(run.stderr.trim().split("\n").length).toBeLessThanOrEqual(2);
    const after = await db.user.findUniqueOrThrow({ where: { email } });
    expect(after.isActive).toBe(true);
  });

  it("check waits as long as DATABASE_TIMEOUT says, and says so", async () => {
    const silent = await startSilentServer();
    try {
      const run = await auth(["check"], {
        env: { DATABASE_URL: silent.url, DATABASE_TIMEOUT: "2s", AUTH_SECRET: TEST_SECRET },
      });
      expect(run.code).toBe(1);
      // Before: "unreachable: timeout expired", after its own 5 s whatever the setting.
      expect(run.stdout + run.stderr).toMatch(
        /\[problem\] database: unreachable: the database at 127\.0\.0\.1:\d+ did not answer within 2000 ms \(DATABASE_TIMEOUT\)/,
      );
    } finally {
      await silent.close();
    }
  });
});

describe("pnpm auth on a database of its own", () => {
  let own: { url: string; dispose(): Promise<void> };
  beforeAll(async () => {
    own = await provisionTestDatabase({ serverUrl: inject("databaseUrl") });
  });
  afterAll(async () => {
    await own?.dispose();
  });

  it("sessions prune deletes ended sessions and prints the counts", async () => {
    const prisma = createPrismaClient(own.url);
    try {
      const user = await prisma.user.create({
        data: { email: "prune@example.com", passwordHash: "x" },
      });
      const past = new Date(Date.now() - 3600_000);
      await prisma.session.create({
        data: {
          userId: user.id,
          refreshJti: crypto.randomUUID(),
          expiresAt: past,
          absoluteExpiresAt: past,
        },
      });
      const run = await auth(["sessions", "prune"], { env: { DATABASE_URL: own.url } });
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^pruned 1 session\(s\), \d+ audit event\(s\), \d+ rate-limit/);
      expect(await prisma.session.count()).toBe(0);
    } finally {
      await prisma.$disconnect();
    }
  });

  it("sessions prune judges what is over by the database's clock, not the machine's", async () => {
    const prisma = createPrismaClient(own.url);
    try {
      const user = await prisma.user.create({
        data: { email: "prune-ahead@example.com", passwordHash: "x" },
      });
      const inAnHour = new Date(Date.now() + 3600_000);
      await prisma.session.create({
        data: {
          userId: user.id,
          refreshJti: crypto.randomUUID(),
          expiresAt: inAnHour,
          absoluteExpiresAt: inAnHour,
        },
      });
      // A machine whose clock runs two hours ahead (the clock tester's): it deleted the session.
      const run = await auth(["sessions", "prune"], {
        env: {
          DATABASE_URL: own.url,
          KIT_TEST_CLOCK_AHEAD_MS: String(2 * 3600_000),
          NODE_OPTIONS: `--import ${path.join(apiDir, "test", "clock-ahead.mjs")} ${process.env.NODE_OPTIONS ?? ""}`,
        },
      });
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^pruned 0 session\(s\)/);
      expect(await prisma.session.count({ where: { userId: user.id } })).toBe(1);
    } finally {
      await prisma.$disconnect();
    }
  });

  it("check passes on a sound configuration, one line per check", async () => {
    const run = await auth(["check"], { env: { DATABASE_URL: own.url } });
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split("\n");
    expect(lines.every((line) => line.startsWith("[ok] "))).toBe(true);
    expect(lines.map((line) => line.split(":")[0])).toEqual([
      "[ok] environment",
      "[ok] access claims",
      "[ok] AUTH_SECRET",
      "[ok] token lifetimes",
      "[ok] database",
      "[ok] DATABASE_MIGRATE",
      "[ok] migrations",
      "[ok] rate limits",
    ]);
    expect(run.stdout).toContain("[ok] DATABASE_MIGRATE: on: a server applies pending migrations");
    expect(run.stdout).toContain("[ok] rate limits: counted in the database (REDIS_URL unset)");
    // Whatever claims the app's access-claims.ts defines (README, "Custom claims").
    expect(run.stdout).toContain(`[ok] access claims: ${accessClaimNames(accessClaims)}`);
    const off = await auth(["check"], { env: { DATABASE_URL: own.url, DATABASE_MIGRATE: "off" } });
    expect(off.code).toBe(0);
    expect(off.stdout).toContain("[ok] DATABASE_MIGRATE: off:");
    expect(off.stdout).toContain("[ok] migrations: all applied");
    // A Redis nobody answers on: servers start without it, so a warning, not a problem.
    const redisPort = await freePort();
    const noRedis = await auth(["check"], {
      env: { DATABASE_URL: own.url, REDIS_URL: `redis://127.0.0.1:${redisPort}` },
    });
    expect(noRedis.code).toBe(0);
    expect(noRedis.stdout).toMatch(
      new RegExp(
        `\\[warning\\] rate limits: Redis at 127\\.0\\.0\\.1:${redisPort} does not answer \\(.+\\): servers start, and count in each process's memory until it does`,
      ),
    );
  });

  it("check fails on a weak AUTH_SECRET in production and on lifetimes out of order", async () => {
    const run = await auth(["check"], {
      env: {
        DATABASE_URL: own.url,
        AUTH_SECRET: "development-secret-change-me-in-production",
        AUTH_ACCESS_TOKEN_TTL: "8d",
        AUTH_SESSION_MAX_AGE: "1d",
      },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      "[problem] AUTH_SECRET: AUTH_SECRET is a well-known example value",
    );
    expect(run.stdout).toContain("[problem] token lifetimes: AUTH_ACCESS_TOKEN_TTL (691200s)");
    expect(run.stdout).toContain("must not be longer than AUTH_SESSION_MAX_AGE");
    expect(run.stdout).toContain("[ok] database");
    expect(run.stdout).not.toContain("development-secret-change-me");
  });

  it("check names the key an ES256 deployment signs with, and a verification key that retired", async () => {
    const pem = (pair: ReturnType<typeof generateKeyPairSync>) => ({
      private: pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      public: pair.publicKey.export({ type: "spki", format: "pem" }).toString(),
    });
    const signing = pem(generateKeyPairSync("ec", { namedCurve: "P-256" }));
    const old = pem(generateKeyPairSync("ec", { namedCurve: "P-256" }));
    const run = await auth(["check"], {
      env: {
        DATABASE_URL: own.url,
        AUTH_SECRET: undefined,
        AUTH_ALGORITHM: "ES256",
        AUTH_SIGNING_KEY: signing.private,
        AUTH_SIGNING_KEY_ID: "2026-12",
        AUTH_VERIFICATION_KEYS: JSON.stringify([
          { kid: "2026-11", key: old.public, retiresAt: "2026-01-31" },
        ]),
      },
    });
    // Before: "[warning] AUTH_SECRET: not set: servers use a secret generated…", which they do not.
    expect(run.stdout).not.toContain("AUTH_SECRET");
    expect(run.stdout).toContain('[ok] AUTH_SIGNING_KEY: ES256 private key, kid "2026-12"');
    expect(run.stdout).toContain(
      '[warning] AUTH_VERIFICATION_KEYS: AUTH_VERIFICATION_KEYS entry 1 (kid "2026-11") retired at 2026-01-31T00:00:00Z: tokens it signed are refused; remove it.',
    );
    expect(run.stdout).not.toContain("BEGIN");
    expect(run.code).toBe(0);
  });

  it("check fails without a secret in production on DATABASE_URL (the server refuses it)", async () => {
    const run = await auth(["check"], { env: { DATABASE_URL: own.url, AUTH_SECRET: undefined } });
    expect(run.stdout).toContain(
      "[problem] AUTH_SECRET: not set: a production server on DATABASE_URL refuses to start without it",
    );
    expect(run.code).toBe(1);
    const dev = await auth(["check"], {
      env: { DATABASE_URL: own.url, AUTH_SECRET: undefined, NODE_ENV: "development" },
    });
    expect(dev.stdout).toContain("[warning] AUTH_SECRET: not set");
    expect(dev.code).toBe(0);
  });

  it("check fails on a generated secret that others on the host could read", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "kit-check-secret-"));
    try {
      await writeFile(
        path.join(dataDir, "auth-secret"),
        "k3J9-xq2LmZ8vR1tY6wB0nC4pD7sE5fG_hA-k3J9",
        {
          mode: 0o644,
        },
      );
      await chmod(path.join(dataDir, "auth-secret"), 0o644);
      const env = { DATABASE_URL: own.url, AUTH_SECRET: undefined, NODE_ENV: "development" };
      const run = await auth(["check"], { env: { ...env, DATA_DIR: dataDir } });
      expect(run.stdout).toContain(
        "[problem] AUTH_SECRET: " +
          `${path.join(dataDir, "auth-secret")} can be read or written by other users (mode 644)`,
      );
      expect(run.code).toBe(1);
      await chmod(path.join(dataDir, "auth-secret"), 0o600);
      const fixed = await auth(["check"], { env: { ...env, DATA_DIR: dataDir } });
      expect(fixed.stdout).not.toContain("[problem]");
      expect(fixed.code).toBe(0);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it("check judges an HS256 AUTH_SIGNING_KEY by AUTH_SECRET's rules, under its own name", async () => {
    const run = await auth(["check"], {
      env: {
        DATABASE_URL: own.url,
        AUTH_SECRET: undefined,
        AUTH_SIGNING_KEY: "change-me-please-0123456789abcdefghijklmnop",
      },
    });
    // Before: "[warning] AUTH_SECRET: not set…", and the example key passed unjudged.
    expect(run.stdout).toContain(
      "[problem] AUTH_SIGNING_KEY: AUTH_SIGNING_KEY is a well-known example value",
    );
    expect(run.stdout).not.toContain("AUTH_SECRET");
    expect(run.code).toBe(1);
  });

  it("check judges for production when NODE_ENV is unset, as pnpm start runs (not development)", async () => {
    // An example value: a development server accepts it with a warning, `pnpm start` refuses it.
    const example = {
      DATABASE_URL: own.url,
      AUTH_SECRET: "change-me-please-0123456789abcdefghijklmnop",
    };
    const unset = await auth(["check"], { env: { ...example, NODE_ENV: undefined } });
    expect(unset.stdout).toContain(
      "[ok] environment: parses, judged for NODE_ENV=production (what pnpm start runs); NODE_ENV=development to judge for pnpm dev",
    );
    expect(unset.stdout).toContain("[problem] AUTH_SECRET:");
    expect(unset.code).toBe(1);

    // A name of the shell's own: pnpm start sets production over it, and check judges the same.
    const staging = await auth(["check"], { env: { ...example, NODE_ENV: "staging" } });
    expect(staging.stdout).toContain(
      '[ok] environment: parses, judged for NODE_ENV=production (what pnpm start runs, whatever NODE_ENV says: "staging" is not one the kit reads)',
    );
    expect(staging.stdout).toContain("[problem] AUTH_SECRET:");
    expect(staging.code).toBe(1);

    const dev = await auth(["check"], { env: { ...example, NODE_ENV: "development" } });
    expect(dev.stdout).toContain("[ok] environment: parses (NODE_ENV=development)");
    expect(dev.stdout).toContain("[warning] AUTH_SECRET:");
    expect(dev.code).toBe(0);
  });

  it("check fails on an environment that does not parse", async () => {
    const run = await auth(["check"], { env: { AUTH_ACCESS_TOKEN_TTL: "soon" } });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /^\[problem\] environment: AUTH_ACCESS_TOKEN_TTL: Invalid duration "soon"/,
    );
  });

  it("check warns of a migration the next start applies, fails where none will, and on a database that cannot be reached", async () => {
    const missing = await provisionTestDatabase({ serverUrl: inject("databaseUrl") });
    const prisma = createPrismaClient(missing.url);
    try {
      await prisma.$executeRawUnsafe(
        `DELETE FROM _prisma_migrations WHERE migration_name = '20261201170000_session_change_notify'`,
      );
      // An upgrade checked before its start: the start applies it (README, Upgrading).
      const run = await auth(["check"], { env: { DATABASE_URL: missing.url } });
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(
        "[warning] migrations: pending: 20261201170000_session_change_notify (the next pnpm start applies them, or run pnpm db:migrate)",
      );
      // Servers that only check cannot fix it: the problem says who has to.
      const off = await auth(["check"], {
        env: { DATABASE_URL: missing.url, DATABASE_MIGRATE: "off" },
      });
      expect(off.code).toBe(1);
      expect(off.stdout).toContain(
        "[ok] DATABASE_MIGRATE: off: a server only checks that every migration is applied",
      );
      expect(off.stdout).toContain(
        "[problem] migrations: pending: 20261201170000_session_change_notify (DATABASE_MIGRATE=off: servers refuse to start until the schema owner runs pnpm db:migrate)",
      );
      // The other commands refuse to write into it.
      const prune = await auth(["sessions", "prune"], { env: { DATABASE_URL: missing.url } });
      expect(prune.code).toBe(1);
      expect(prune.stderr).toContain(
        "lacks 1 migration(s) this code needs: 20261201170000_session_change_notify; run pnpm db:migrate as the schema owner first",
      );
    } finally {
      await prisma.$disconnect();
      await missing.dispose();
    }
    const unreachable = new URL(own.url);
    unreachable.pathname = "/kit_no_such_database";
    const run = await auth(["check"], { env: { DATABASE_URL: unreachable.toString() } });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("[problem] database: unreachable");
  });

  it("says a DATA_DIR holds no database (a typo, most likely) and leaves the folder as it was", async () => {
    const root = await mkdtemp(path.join(tmpdir(), "kit-cli-nodata-"));
    try {
      const typo = path.join(root, "dta");
      const env = { DATABASE_URL: undefined, DATA_DIR: typo };
      const check = await auth(["check"], { env });
      expect(check.code).toBe(1);
      expect(check.stdout).toContain(`[problem] database: cannot open: no database in ${typo} yet`);
      const unlock = await auth(["unlock-user", "--email", "a@example.com"], { env });
      expect(unlock.code).toBe(1);
      expect(unlock.stderr).toContain(`no database in ${typo} yet`);
      // Nothing made there: no folder, no cluster, no password file.
      expect(existsSync(typo)).toBe(false);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
