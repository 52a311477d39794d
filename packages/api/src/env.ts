// The one reader of process.env for the server: every setting, its default and its validation.
import path from "node:path";
import { parseDuration } from "@kit/auth";
import { findWorkspaceRoot } from "@kit/db";
import { z } from "zod";
import type { RateLimitSettings } from "./rate-limit";

const emptyAsUndefined = (value: unknown) => (value === "" ? undefined : value);

const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      try {
        return parseDuration(text);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
        return z.NEVER;
      }
    });

const durationText = z.string().transform((text, ctx) => {
  try {
    return parseDuration(text);
  } catch (error) {
    ctx.addIssue({ code: "custom", message: (error as Error).message });
    return z.NEVER;
  }
});

// "0" switches a window off; anything else is a duration like "10s".
const window = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      if (text.trim() === "0") return 0;
      try {
        return parseDuration(text);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
        return z.NEVER;
      }
    });

/** Each rate-limit threshold's variable; counts are whole numbers, windows and locks durations. */
export const RATE_LIMIT_VARIABLES = {
  AUTH_RATE_LIMIT_LOGIN_BURST_FAILURES: ["loginBurstFailures", "count"],
  AUTH_RATE_LIMIT_LOGIN_BURST_LOCK: ["loginBurstLockSeconds", "duration"],
  AUTH_RATE_LIMIT_LOGIN_BURST_WINDOW: ["loginBurstWindowSeconds", "duration"],
  AUTH_RATE_LIMIT_LOGIN_ACCOUNT_FAILURES: ["loginAccountFailures", "count"],
  AUTH_RATE_LIMIT_LOGIN_ACCOUNT_WINDOW: ["loginAccountWindowSeconds", "duration"],
  AUTH_RATE_LIMIT_LOGIN_CLIENT_FAILURES: ["loginClientFailures", "count"],
  AUTH_RATE_LIMIT_LOGIN_CLIENT_WINDOW: ["loginClientWindowSeconds", "duration"],
  AUTH_RATE_LIMIT_REGISTER_PER_CLIENT: ["registerPerClient", "count"],
  AUTH_RATE_LIMIT_REGISTER_WINDOW: ["registerWindowSeconds", "duration"],
  AUTH_RATE_LIMIT_REFRESH_PER_CLIENT: ["refreshPerClient", "count"],
  AUTH_RATE_LIMIT_REFRESH_WINDOW: ["refreshWindowSeconds", "duration"],
} as const satisfies Record<string, [keyof RateLimitSettings, "count" | "duration"]>;

const count = z.coerce.number().int().min(1).max(1_000_000_000);

const rateLimitShape = Object.fromEntries(
  Object.entries(RATE_LIMIT_VARIABLES).map(([name, [, kind]]) => [
    name,
    z.preprocess(emptyAsUndefined, (kind === "count" ? count : durationText).optional()),
  ]),
) as unknown as Record<keyof typeof RATE_LIMIT_VARIABLES, z.ZodType<number | undefined>>;

const schema = z.object({
  ...rateLimitShape,
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgresql:// connection string")
      .optional(),
  ),
  DATA_DIR: z.preprocess(emptyAsUndefined, z.string().optional()),
  AUTH_SECRET: z.preprocess(emptyAsUndefined, z.string().optional()),
  // Secrets rotated out, still accepted for verification: comma- or space-separated.
  AUTH_SECRET_PREVIOUS: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .optional()
      .transform((list) => (list ?? "").split(/[\s,]+/).filter(Boolean)),
  ),
  AUTH_ACCESS_TOKEN_TTL: z.preprocess(emptyAsUndefined, duration("30m")),
  AUTH_REFRESH_TOKEN_TTL: z.preprocess(emptyAsUndefined, duration("7d")),
  AUTH_REFRESH_REUSE_GRACE: z.preprocess(emptyAsUndefined, window("10s")),
  AUTH_SESSION_MAX_AGE: z.preprocess(emptyAsUndefined, duration("30d")),
  AUTH_TRUST_PROXY: z.preprocess(
    emptyAsUndefined,
    z.coerce.number().int().min(0).max(10).default(0),
  ),
  REDIS_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^rediss?:\/\//, "must be a redis:// or rediss:// URL")
      .optional(),
  ),
  PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
});

export interface ServerEnv {
  nodeEnv: "development" | "production" | "test";
  /** Unset: the embedded PostgreSQL in `dataDir` is used (and the demo user seeded). */
  databaseUrl: string | undefined;
  /** Git-ignored folder for the embedded database and the generated secret. */
  dataDir: string;
  authSecret: string | undefined;
  /** Previous signing secrets: their tokens keep verifying until they expire. */
  previousSecrets: string[];
  /** Seconds. */
  accessTtl: number;
  /** Seconds. */
  refreshTtl: number;
  /** Seconds a just-rotated refresh token still returns the current pair; 0 = off. */
  refreshReuseGrace: number;
  /** Seconds from login after which a session ends, whatever its rotations. */
  sessionMaxAge: number;
  /** Reverse proxies in front of the app; 0 = the connection's own address is the client. */
  trustProxy: number;
  /** Unset: rate-limit state lives in PostgreSQL. */
  redisUrl: string | undefined;
  /** Thresholds set through AUTH_RATE_LIMIT_* (the rest keep their defaults). */
  rateLimits: Partial<RateLimitSettings>;
  port: number;
}

export class EnvError extends Error {
  override readonly name = "EnvError";
  readonly code = "INVALID_ENV";
}

/** Validates the environment once; throws EnvError listing every bad variable. */
export function loadEnv(source: Record<string, string | undefined> = process.env): ServerEnv {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new EnvError(`Invalid environment:\n  ${lines.join("\n  ")}`);
  }
  const env = parsed.data;
  return {
    nodeEnv: env.NODE_ENV,
    databaseUrl: env.DATABASE_URL,
    dataDir: path.resolve(env.DATA_DIR ?? path.join(findWorkspaceRoot(), ".data")),
    authSecret: env.AUTH_SECRET,
    previousSecrets: env.AUTH_SECRET_PREVIOUS,
    accessTtl: env.AUTH_ACCESS_TOKEN_TTL,
    refreshTtl: env.AUTH_REFRESH_TOKEN_TTL,
    refreshReuseGrace: env.AUTH_REFRESH_REUSE_GRACE,
    sessionMaxAge: env.AUTH_SESSION_MAX_AGE,
    trustProxy: env.AUTH_TRUST_PROXY,
    redisUrl: env.REDIS_URL,
    rateLimits: rateLimitsOf(env),
    port: env.PORT,
  };
}

function rateLimitsOf(env: Record<string, unknown>): Partial<RateLimitSettings> {
  const settings: Partial<RateLimitSettings> = {};
  for (const [name, [setting]] of Object.entries(RATE_LIMIT_VARIABLES)) {
    const value = env[name];
    if (typeof value === "number") settings[setting] = value;
  }
  return settings;
}
