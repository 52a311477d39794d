// The Redis store for real, on a private redis-server: instances share counts, and stopping
// Redis mid-test hands over to per-instance memory, then back when it returns.
import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import path from "node:path";
import { freePort } from "@kit/db/testing";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { RateLimitedError } from "../errors";
import {
  type AuthRateLimiter,
  createAuthRateLimiter,
  type LoginAttempt,
} from "./auth-rate-limiter";
import { pingRedis } from "./store";
import { expectAccountCleared, refusal, uniqueEmail, uniqueIp } from "./testing";

const SETTINGS = { loginBurstFailures: 3, loginBurstLockSeconds: 60, registerPerClient: 2 };

function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return null;
}

const REDIS_SERVER = onPath("redis-server");
if (!REDIS_SERVER) {
  console.warn(
    "[redis-store.test] redis-server is not on PATH: the Redis store tests are skipped " +
      "(Debian: apt-get install -y redis-server).",
  );
}
const itWithRedis = REDIS_SERVER ? it : it.skip;

/** Starts a throwaway redis-server (no persistence) and resolves once it accepts connections. */
async function startRedis(bin: string, port: number): Promise<ChildProcess> {
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
  const child = spawn(bin, [...args, "--daemonize", "no"], { stdio: ["ignore", "pipe", "pipe"] });
  await new Promise<void>((resolve, reject) => {
    let output = "";
    const timer = setTimeout(
      () => reject(new Error(`redis-server did not start:\n${output}`)),
      10_000,
    );
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}:\n${output}`));
    });
  });
  return child;
}

async function stopRedis(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  await exited;
}

const email = uniqueEmail;
const ip = uniqueIp;

let redis: ChildProcess | undefined;
let port = 0;
beforeAll(async () => {
  if (!REDIS_SERVER) return;
  port = await freePort();
  redis = await startRedis(REDIS_SERVER, port);
});
afterAll(async () => {
  await stopRedis(redis);
});

const open: AuthRateLimiter[] = [];
function limiter(log: (line: string) => void = () => {}): AuthRateLimiter {
  const store = { kind: "redis", url: `redis://127.0.0.1:${port}` } as const;
  const created = createAuthRateLimiter({ store, settings: SETTINGS, log });
  open.push(created);
  return created;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((item) => item.close()));
});

const begin = (instance: AuthRateLimiter, email: string, clientIp: string) =>
  instance.beginLogin({ email, clientIp, device: null });

/** One attempt from `instance`, settled as a wrong password. */
async function fail(instance: AuthRateLimiter, email: string, clientIp: string) {
  await (await begin(instance, email, clientIp)).failed();
}

describe("Redis store", () => {
  itWithRedis("answers pnpm auth check's ping; a port nobody listens on does not", async () => {
    await expect(pingRedis(`redis://127.0.0.1:${port}`)).resolves.toBeUndefined();
    await expect(pingRedis(`redis://127.0.0.1:${await freePort()}`)).rejects.toThrow();
  });

  itWithRedis(
    "a Redis that does not answer at start-up is named without a call, and its return too",
    async () => {
      if (!REDIS_SERVER) return;
      const lines: string[] = [];
      const late = await freePort();
      const store = { kind: "redis", url: `redis://127.0.0.1:${late}` } as const;
      const instance = createAuthRateLimiter({
        store,
        settings: SETTINGS,
        log: (line) => lines.push(line),
      });
      open.push(instance);
      const deadline = Date.now() + 5_000;
      while (lines.length === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/redis store failing/);

      const lateRedis = await startRedis(REDIS_SERVER, late);
      try {
        const back = Date.now() + 10_000;
        while (lines.length < 2 && Date.now() < back) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          await instance.register(ip());
        }
        expect(lines).toHaveLength(2);
        expect(lines[1]).toMatch(/redis store answering again/);
      } finally {
        await stopRedis(lateRedis);
      }
    },
  );

  for (const via of ["limiter", "command"] as const) {
    itWithRedis(
      `clears an account's sign-in limits (through the ${via}), and no other's`,
      async () => {
        const url = `redis://127.0.0.1:${port}`;
        const client = new Redis(url);
        try {
          await expectAccountCleared({ kind: "redis", url }, via, async (fragment) => {
            return (await client.keys(`*${fragment}*`)).length;
          });
        } finally {
          client.disconnect();
        }
      },
    );
  }

  itWithRedis(
    "shares counts between instances: a limit reached across two holds on both",
    async () => {
      const lines: string[] = [];
      const [a, b] = [limiter((line) => lines.push(line)), limiter((line) => lines.push(line))];
      const [account, client] = [email(), ip()];
      await fail(a, account, client);
      await fail(b, account, client);
      await fail(b, account, client);
      for (const instance of [a, b]) {
        // The lock's 60 s, less the moment a loaded machine may take between the two refusals.
        const { retryAfterSeconds } = await refusal(begin(instance, account, client));
        expect(retryAfterSeconds).toBeGreaterThan(55);
        expect(retryAfterSeconds).toBeLessThanOrEqual(60);
      }
      const office = ip();
      await b.register(office);
      await a.register(office);
      await refusal(b.register(office));
      // Both ran on Redis, not on their memory stand-ins.
      expect(lines).toEqual([]);
    },
  );

  itWithRedis(
    "admits no more concurrent attempts than the burst, across instances (issue 9)",
    async () => {
      const lines: string[] = [];
      const [a, b] = [limiter((line) => lines.push(line)), limiter((line) => lines.push(line))];
      const [account, client] = [email(), ip()];
      const outcomes = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          begin(i % 2 ? a : b, account, client).catch((error: unknown) => {
            if (error instanceof RateLimitedError) return error;
            throw error;
          }),
        ),
      );
      const refused = outcomes.filter((o) => o instanceof RateLimitedError);
      const admitted = outcomes.filter((o): o is LoginAttempt => !(o instanceof RateLimitedError));
      expect(admitted).toHaveLength(3);
      for (const error of refused) expect(error.retryAfterSeconds).toBeLessThanOrEqual(60);
      await Promise.all(admitted.map((attempt) => attempt.succeeded()));
      // A success resets the pair and gives its points back: a whole burst again.
      for (let i = 0; i < 3; i += 1) await fail(a, account, client);
      expect((await refusal(begin(b, account, client))).retryAfterSeconds).toBe(60);
      expect(lines).toEqual([]);
    },
  );

  itWithRedis(
    "Redis stopped mid-test: memory takes over, then Redis again once it is back",
    async () => {
      if (!REDIS_SERVER) return;
      const lines: string[] = [];
      const instance = limiter((line) => lines.push(line));
      const [account, client] = [email(), ip()];
      await fail(instance, account, client);
      expect(lines).toEqual([]);

      await stopRedis(redis);
      // Not a lock-out: a clean account logs in while the store is gone (its reset and
      // give-back answered from memory too, without a false "answering again").
      await (await begin(instance, email(), client)).succeeded();
      // Not an open door: the thresholds hold from this instance's memory.
      for (let i = 0; i < 3; i += 1) await fail(instance, account, client);
      await refusal(begin(instance, account, client));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/redis store failing/);

      redis = await startRedis(REDIS_SERVER, port);
      // The client reconnects on its own (back-off up to 2 s); poll until a call reaches Redis.
      const deadline = Date.now() + 10_000;
      while (lines.length < 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        await instance.register(ip());
      }
      expect(lines).toHaveLength(2);
      expect(lines[1]).toMatch(/redis store answering again/);
      expect(lines.join("\n")).not.toContain(account);
    },
  );
});
