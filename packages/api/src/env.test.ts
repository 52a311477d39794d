import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import { hashConcurrencyDefault } from "@kit/auth";
import { findWorkspaceRoot } from "@kit/db/workspace-root";
import { describe, expect, it } from "vitest";
import { demoUserAllowed, EnvError, isLoopbackHost, loadEnv } from "./env";

describe("loadEnv", () => {
  it("applies the documented defaults", () => {
    const env = loadEnv({ DATA_DIR: "/srv/kit-data" });
    expect(env).toEqual({
      nodeEnv: "development",
      databaseUrl: undefined,
      dataDir: path.resolve("/srv/kit-data"),
      authSecret: undefined,
      previousSecrets: [],
      algorithm: "HS256",
      signingKey: undefined,
      signingKeyId: undefined,
      verificationKeys: [],
      issuer: undefined,
      audience: undefined,
      clockLeeway: 0,
      accessTtl: 30 * 60,
      refreshTtl: 7 * 24 * 3600,
      refreshReuseGrace: 10,
      sessionMaxAge: 30 * 24 * 3600,
      auditRetention: 90 * 24 * 3600,
      sessionCacheSize: 10_000,
      databaseTimeout: 5,
      migrateOnStart: true,
      trustProxy: 0,
      redisUrl: undefined,
      rateLimits: {},
      hashConcurrency: hashConcurrencyDefault(),
      hashQueue: 64 * hashConcurrencyDefault(),
      port: 3000,
      host: "127.0.0.1",
      demoUser: "auto",
      workers: 1,
      threadPoolNice: 10,
      apiHandler: null,
      logLevel: "info",
    });
  });

  it("reads the session, proxy, Redis and rate-limit settings", () => {
    const env = loadEnv({
      AUTH_REFRESH_REUSE_GRACE: "0",
      AUTH_SESSION_MAX_AGE: "90d",
      AUTH_TRUST_PROXY: "2",
      REDIS_URL: "redis://127.0.0.1:6379",
      AUTH_RATE_LIMIT_LOGIN_BURST_FAILURES: "5",
      AUTH_RATE_LIMIT_LOGIN_BURST_LOCK: "10m",
      AUTH_RATE_LIMIT_REFRESH_PER_CLIENT: "",
    });
    expect(env).toMatchObject({
      refreshReuseGrace: 0,
      sessionMaxAge: 90 * 24 * 3600,
      trustProxy: 2,
      redisUrl: "redis://127.0.0.1:6379",
      rateLimits: { loginBurstFailures: 5, loginBurstLockSeconds: 600 },
    });
    expect(Object.keys(env.rateLimits)).toHaveLength(2);
  });

  it("reads the hashing queue's settings; the line's default follows the concurrency", () => {
    expect(loadEnv({ AUTH_HASH_CONCURRENCY: "3" })).toMatchObject({
      hashConcurrency: 3,
      hashQueue: 192,
    });
    expect(loadEnv({ AUTH_HASH_CONCURRENCY: "1", AUTH_HASH_QUEUE: "0" })).toMatchObject({
      hashConcurrency: 1,
      hashQueue: 0,
    });
    for (const bad of [
      { AUTH_HASH_CONCURRENCY: "0" },
      { AUTH_HASH_CONCURRENCY: "two" },
      { AUTH_HASH_QUEUE: "-1" },
      { AUTH_HASH_QUEUE: "1.5" },
    ]) {
      expect(() => loadEnv(bad)).toThrow(EnvError);
    }
  });

  it("reads a zero in any unit as off where 0 means off, and nowhere else", () => {
    for (const zero of ["0", "0s", "0m", " 0d "]) {
      expect(loadEnv({ AUTH_REFRESH_REUSE_GRACE: zero }).refreshReuseGrace, zero).toBe(0);
      expect(loadEnv({ AUTH_AUDIT_RETENTION: zero }).auditRetention, zero).toBe(0);
      expect(() => loadEnv({ AUTH_ACCESS_TOKEN_TTL: zero }), zero).toThrow(/AUTH_ACCESS_TOKEN_TTL/);
    }
    expect(() => loadEnv({ AUTH_REFRESH_REUSE_GRACE: "0x" })).toThrow(/AUTH_REFRESH_REUSE_GRACE/);
  });

  it("reads DATABASE_TIMEOUT, which may neither be 0 nor unbounded", () => {
    expect(loadEnv({ DATABASE_TIMEOUT: "2s" }).databaseTimeout).toBe(2);
    expect(loadEnv({ DATABASE_TIMEOUT: "1m" }).databaseTimeout).toBe(60);
    expect(loadEnv({ DATABASE_TIMEOUT: "" }).databaseTimeout).toBe(5);
    for (const value of ["0", "11m", "soon"]) {
      expect(() => loadEnv({ DATABASE_TIMEOUT: value })).toThrow(/DATABASE_TIMEOUT/);
    }
  });

  it("reads AUTH_SESSION_CACHE_SIZE, where 0 turns the cache off", () => {
    expect(loadEnv({ AUTH_SESSION_CACHE_SIZE: "0" }).sessionCacheSize).toBe(0);
    expect(loadEnv({ AUTH_SESSION_CACHE_SIZE: "250" }).sessionCacheSize).toBe(250);
    expect(loadEnv({ AUTH_SESSION_CACHE_SIZE: "" }).sessionCacheSize).toBe(10_000);
    expect(() => loadEnv({ AUTH_SESSION_CACHE_SIZE: "-1" })).toThrow(/AUTH_SESSION_CACHE_SIZE/);
    expect(() => loadEnv({ AUTH_SESSION_CACHE_SIZE: "many" })).toThrow(/AUTH_SESSION_CACHE_SIZE/);
  });

  it("splits AUTH_SECRET_PREVIOUS on commas and spaces", () => {
    expect(loadEnv({ AUTH_SECRET_PREVIOUS: " a-one, b-two  c-three " }).previousSecrets).toEqual([
      { secret: "a-one", retiresAt: undefined },
      { secret: "b-two", retiresAt: undefined },
      { secret: "c-three", retiresAt: undefined },
    ]);
  });

  it("reads a retirement time after the last @ of an AUTH_SECRET_PREVIOUS entry", () => {
    const env = loadEnv({
      AUTH_SECRET_PREVIOUS:
        "a-one@2027-01-31T00:00:00Z, b-two c@t@2027-01-31T01:30+01:00,d-four@2027-02-28 e@2027-01-31T00:00:00.250Z",
    });
    expect(env.previousSecrets).toEqual([
      { secret: "a-one", retiresAt: Date.UTC(2027, 0, 31) },
      { secret: "b-two", retiresAt: undefined },
      // A secret may contain "@": the time follows the last one.
      { secret: "c@t", retiresAt: Date.UTC(2027, 0, 31, 0, 30) },
      // A date alone is midnight UTC.
      { secret: "d-four", retiresAt: Date.UTC(2027, 1, 28) },
      { secret: "e", retiresAt: Date.UTC(2027, 0, 31, 0, 0, 0, 250) },
    ]);
  });

  it("refuses a bad retirement time naming the variable and the entry, never the secret", () => {
    for (const bad of [
      "2027-02-29",
      "2027-13-01",
      "2027-01-31T24:00:00Z",
      // No zone: whose midnight?
      "2027-01-31T00:00:00",
      "tomorrow",
      "1800000000",
      "",
    ]) {
      let message = "";
      try {
        loadEnv({ AUTH_SECRET_PREVIOUS: `fine-secret, p@ssw0rd-secret@${bad}` });
      } catch (error) {
        expect(error).toBeInstanceOf(EnvError);
        message = (error as Error).message;
      }
      expect(message, bad).toContain("AUTH_SECRET_PREVIOUS: entry 2:");
      expect(message).not.toContain("ssw0rd");
      expect(message).not.toContain("fine-secret");
    }
    expect(() => loadEnv({ AUTH_SECRET_PREVIOUS: "@2027-01-31" })).toThrow(/no secret before/);
  });

  it("reads AUTH_AUDIT_RETENTION as a duration, 0 keeping events forever", () => {
    expect(loadEnv({ AUTH_AUDIT_RETENTION: "400d" }).auditRetention).toBe(400 * 24 * 3600);
    expect(loadEnv({ AUTH_AUDIT_RETENTION: "0" }).auditRetention).toBe(0);
    expect(loadEnv({ AUTH_AUDIT_RETENTION: "" }).auditRetention).toBe(90 * 24 * 3600);
    expect(() => loadEnv({ AUTH_AUDIT_RETENTION: "a while" })).toThrow(/AUTH_AUDIT_RETENTION/);
    expect(() => loadEnv({ AUTH_AUDIT_RETENTION: "-1d" })).toThrow(/AUTH_AUDIT_RETENTION/);
  });

  it("refuses a bad rate-limit, proxy or Redis setting", () => {
    for (const bad of [
      { AUTH_RATE_LIMIT_LOGIN_BURST_FAILURES: "0" },
      { AUTH_RATE_LIMIT_REGISTER_WINDOW: "forever" },
      { AUTH_TRUST_PROXY: "-1" },
      { REDIS_URL: "http://cache" },
    ]) {
      expect(() => loadEnv(bad)).toThrow(EnvError);
    }
  });

  it("refuses a login lock as long as its burst window, as start-up would, by the variables' names", () => {
    for (const bad of [
      { AUTH_RATE_LIMIT_LOGIN_BURST_LOCK: "2d" },
      { AUTH_RATE_LIMIT_LOGIN_BURST_WINDOW: "15m" },
      { AUTH_RATE_LIMIT_LOGIN_BURST_LOCK: "1h", AUTH_RATE_LIMIT_LOGIN_BURST_WINDOW: "1h" },
    ]) {
      expect(() => loadEnv(bad)).toThrow(
        /AUTH_RATE_LIMIT_LOGIN_BURST_LOCK: must be shorter than AUTH_RATE_LIMIT_LOGIN_BURST_WINDOW/,
      );
    }
    const fine = {
      AUTH_RATE_LIMIT_LOGIN_BURST_LOCK: "1h",
      AUTH_RATE_LIMIT_LOGIN_BURST_WINDOW: "2h",
    };
    expect(loadEnv(fine).rateLimits).toMatchObject({
      loginBurstLockSeconds: 3600,
      loginBurstWindowSeconds: 7200,
    });
  });

  it("defaults the data folder to .data at the workspace root", () => {
    expect(loadEnv({}).dataDir).toMatch(/[/\\]\.data$/);
  });

  it("reads every variable, and treats empty as unset", () => {
    const env = loadEnv({
      NODE_ENV: "production",
      DATABASE_URL: "postgresql://u:p@db:5432/app",
      AUTH_SECRET: "s".repeat(40),
      AUTH_ACCESS_TOKEN_TTL: "15m",
      AUTH_REFRESH_TOKEN_TTL: "14d",
      PORT: "8080",
      DATA_DIR: "",
    });
    expect(env).toMatchObject({
      nodeEnv: "production",
      databaseUrl: "postgresql://u:p@db:5432/app",
      accessTtl: 900,
      refreshTtl: 14 * 24 * 3600,
      port: 8080,
    });
    expect(loadEnv({ DATABASE_URL: "" }).databaseUrl).toBeUndefined();
  });

  it("refuses bad values with an error naming each variable", () => {
    let error: unknown;
    try {
      loadEnv({ DATABASE_URL: "mysql://x", AUTH_ACCESS_TOKEN_TTL: "soon", PORT: "http" });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(EnvError);
    const message = (error as Error).message;
    expect(message).toContain("DATABASE_URL");
    expect(message).toContain("AUTH_ACCESS_TOKEN_TTL");
    expect(message).toContain("PORT");
  });
});

describe("whole-number settings", () => {
  const refused = (variables: Record<string, string>) => {
    try {
      loadEnv({ DATA_DIR: "/srv/kit-data", ...variables });
    } catch (error) {
      return (error as Error).message;
    }
    return "accepted";
  };

  it.each([
    "PORT",
    "AUTH_SESSION_CACHE_SIZE",
    "AUTH_TRUST_PROXY",
    "AUTH_HASH_CONCURRENCY",
    "AUTH_HASH_QUEUE",
    "THREAD_POOL_NICE",
    "AUTH_RATE_LIMIT_LOGIN_BURST_FAILURES",
  ])("%s takes digits only: not blank, hex, exponent or fraction", (name) => {
    for (const text of [" ", "0x10", "1e3", "1.5", "-1", "+2", "١٢"]) {
      expect(refused({ [name]: text }), `${name}=${JSON.stringify(text)}`).toContain(
        `${name}: must be a whole number written in digits`,
      );
    }
    expect(refused({ [name]: " 2 " }), `${name}=" 2 "`).toBe("accepted");
  });

  it("WEB_CONCURRENCY takes auto or digits", () => {
    for (const text of [" ", "0x2", "2e0", "1.5", "Auto"]) {
      expect(refused({ WEB_CONCURRENCY: text }), JSON.stringify(text)).toContain(
        'WEB_CONCURRENCY: must be "auto" or a whole number written in digits, 1 to 256',
      );
    }
    expect(refused({ WEB_CONCURRENCY: "0" })).toContain("WEB_CONCURRENCY: Too small");
    expect(refused({ WEB_CONCURRENCY: "257" })).toContain("WEB_CONCURRENCY: Too big");
    expect(loadEnv({ WEB_CONCURRENCY: "2" }).workers).toBe(2);
  });

  it("reads them as the numbers written", () => {
    const env = loadEnv({ DATA_DIR: "/srv/kit-data", PORT: "8080", AUTH_SESSION_CACHE_SIZE: "0" });
    expect(env.port).toBe(8080);
    expect(env.sessionCacheSize).toBe(0);
    expect(refused({ PORT: "65536" })).toContain("PORT");
  });
});

describe("DATABASE_URL and DATA_DIR", () => {
  it("refuses a connection string that is no URL, naming the setting", () => {
    for (const url of ["postgresql://u:p@[bad/db", "postgresql://u:p@db:99999/app"]) {
      expect(() => loadEnv({ DATABASE_URL: url })).toThrow(/DATABASE_URL: is not a valid URL/);
    }
  });

  it("refuses a # in it, which would cut the URL short, and takes %23", () => {
    expect(() =>
      loadEnv({ DATABASE_URL: "postgresql://atuser:p@ss#1@127.0.0.1:5432/kit" }),
    ).toThrow(/DATABASE_URL: holds a "#".*percent-encoded as %23/);
    const encoded = "postgresql://atuser:p%40ss%231@127.0.0.1:5432/kit";
    expect(loadEnv({ DATABASE_URL: encoded }).databaseUrl).toBe(encoded);
  });

  it("takes a relative DATA_DIR from the repository's root, wherever the command runs", () => {
    const root = path.resolve(import.meta.dirname, "../../..");
    expect(loadEnv({}).dataDir).toBe(path.join(root, ".data"));
    expect(loadEnv({ DATA_DIR: "var/kit" }).dataDir).toBe(path.join(root, "var/kit"));
    expect(loadEnv({ DATA_DIR: "/srv/kit-data/" }).dataDir).toBe("/srv/kit-data");
  });
});

describe("HOST and DEMO_USER", () => {
  it("listen on loopback by default, with the demo user allowed only there", () => {
    const env = loadEnv({});
    expect(env.host).toBe("127.0.0.1");
    expect(env.demoUser).toBe("auto");
    expect(demoUserAllowed(env)).toBe(true);
  });

  it("tell loopback from every other address", () => {
    const loopback = ["localhost", "127.0.0.1", "127.1.2.3", "::1", "[::1]", " LOCALHOST "];
    // Other spellings the resolver (and so the server's listen) takes for loopback.
    loopback.push("127.1", "0x7f.0.0.1", "2130706433", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1");
    for (const host of loopback) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    const beyond = ["0.0.0.0", "::", "192.168.1.10", "app.example.com", "128.0.0.1", "::2"];
    beyond.push("::ffff:10.0.0.1", "127.0.0.1:80", "localhost/x", "user@localhost", "", "[::1");
    beyond.push("localhost.evil.example", "127.0.0.1.nip.io", "0.0.0.0.127");
    for (const host of beyond) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });

  it("refuse the demo user beyond loopback unless DEMO_USER=on; never with off", () => {
    expect(demoUserAllowed(loadEnv({ HOST: "0.0.0.0" }))).toBe(false);
    expect(demoUserAllowed(loadEnv({ HOST: "0.0.0.0", DEMO_USER: "on" }))).toBe(true);
    expect(demoUserAllowed(loadEnv({ DEMO_USER: "off" }))).toBe(false);
    // Behind a proxy it was told of, a server on loopback serves others.
    expect(demoUserAllowed(loadEnv({ AUTH_TRUST_PROXY: "1" }))).toBe(false);
    expect(demoUserAllowed(loadEnv({ AUTH_TRUST_PROXY: "1", DEMO_USER: "on" }))).toBe(true);
    expect(() => loadEnv({ DEMO_USER: "yes" })).toThrow(/DEMO_USER/);
  });
});

describe("DATABASE_MIGRATE", () => {
  it("migrates at start-up unless set to off; on and empty mean the default", () => {
    expect(loadEnv({}).migrateOnStart).toBe(true);
    expect(loadEnv({ DATABASE_MIGRATE: "" }).migrateOnStart).toBe(true);
    expect(loadEnv({ DATABASE_MIGRATE: "on" }).migrateOnStart).toBe(true);
    expect(loadEnv({ DATABASE_MIGRATE: "off" }).migrateOnStart).toBe(false);
  });

  it("refuses any other value with the typed env error naming the variable", () => {
    for (const bad of ["yes", "false", "0", "OFF", "auto"]) {
      let error: unknown;
      try {
        loadEnv({ DATABASE_MIGRATE: bad });
      } catch (caught) {
        error = caught;
      }
      expect(error, bad).toBeInstanceOf(EnvError);
      expect((error as EnvError).code).toBe("INVALID_ENV");
      expect((error as Error).message, bad).toMatch(
        /^Invalid environment:\n {2}DATABASE_MIGRATE: /,
      );
      expect((error as Error).message, bad).toContain('"on"');
    }
  });
});

describe("WEB_CONCURRENCY and API_HANDLER", () => {
  it("run one worker unless told; auto means one per core", () => {
    expect(loadEnv({}).workers).toBe(1);
    expect(loadEnv({ WEB_CONCURRENCY: "3" }).workers).toBe(3);
    expect(loadEnv({ WEB_CONCURRENCY: "auto" }).workers).toBe(availableParallelism());
    // The workers share the cores left for hashing.
    expect(loadEnv({ WEB_CONCURRENCY: "64" }).hashConcurrency).toBe(1);
    expect(loadEnv({ WEB_CONCURRENCY: "2" }).hashConcurrency).toBe(hashConcurrencyDefault(2));
    for (const bad of ["0", "-1", "1.5", "many"]) {
      expect(() => loadEnv({ WEB_CONCURRENCY: bad }), bad).toThrow(/WEB_CONCURRENCY/);
    }
  });

  it("read API_HANDLER as asked, null when unset (the web server decides)", () => {
    expect(loadEnv({}).apiHandler).toBeNull();
    expect(loadEnv({ API_HANDLER: "" }).apiHandler).toBeNull();
    expect(loadEnv({ API_HANDLER: "server" }).apiHandler).toBe("server");
    expect(loadEnv({ API_HANDLER: "next" }).apiHandler).toBe("next");
    expect(() => loadEnv({ API_HANDLER: "express" })).toThrow(/API_HANDLER/);
  });

  it("lower the hashing threads to nice 10 unless THREAD_POOL_NICE says otherwise (0 to 19)", () => {
    expect(loadEnv({}).threadPoolNice).toBe(10);
    expect(loadEnv({ THREAD_POOL_NICE: "0" }).threadPoolNice).toBe(0);
    expect(loadEnv({ THREAD_POOL_NICE: "19" }).threadPoolNice).toBe(19);
    for (const bad of ["-1", "20", "5.5", "low"]) {
      expect(() => loadEnv({ THREAD_POOL_NICE: bad }), bad).toThrow(/THREAD_POOL_NICE/);
    }
  });

  it("log at info unless LOG_LEVEL says otherwise, and only at pino's levels", () => {
    expect(loadEnv({}).logLevel).toBe("info");
    expect(loadEnv({ LOG_LEVEL: "warn" }).logLevel).toBe("warn");
    expect(() => loadEnv({ LOG_LEVEL: "verbose" })).toThrow(/LOG_LEVEL/);
  });
});

describe(".env.example", () => {
  it("names every variable of the README's Configuration table", () => {
    const root = findWorkspaceRoot();
    const readme = readFileSync(path.join(root, "README.md"), "utf8");
    const section = readme.slice(
      readme.indexOf("\n## Configuration"),
      readme.indexOf("\n## Layout"),
    );
    const documented = [...section.matchAll(/^\| `([A-Z][A-Z0-9_]+)` /gm)].map((match) => match[1]);
    expect(documented.length).toBeGreaterThan(30);
    const example = readFileSync(path.join(root, ".env.example"), "utf8");
    // Set, or shown commented out where setting it would change a command's own default.
    const listed = new Set(
      [...example.matchAll(/^(?:# )?([A-Z][A-Z0-9_]+)=/gm)].map((match) => match[1]),
    );
    expect(documented.filter((name) => !listed.has(name))).toEqual([]);
  });
});
