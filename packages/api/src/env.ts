// The one reader of process.env for the server: every setting, its default and its validation.
import path from "node:path";
import { parseDuration } from "@kit/auth";
import { findWorkspaceRoot } from "@kit/db";
import { z } from "zod";

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

const schema = z.object({
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
  AUTH_ACCESS_TOKEN_TTL: z.preprocess(emptyAsUndefined, duration("30m")),
  AUTH_REFRESH_TOKEN_TTL: z.preprocess(emptyAsUndefined, duration("7d")),
  PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
});

export interface ServerEnv {
  nodeEnv: "development" | "production" | "test";
  /** Unset: the embedded PostgreSQL in `dataDir` is used (and the demo user seeded). */
  databaseUrl: string | undefined;
  /** Git-ignored folder for the embedded database and the generated secret. */
  dataDir: string;
  authSecret: string | undefined;
  /** Seconds. */
  accessTtl: number;
  /** Seconds. */
  refreshTtl: number;
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
    accessTtl: env.AUTH_ACCESS_TOKEN_TTL,
    refreshTtl: env.AUTH_REFRESH_TOKEN_TTL,
    port: env.PORT,
  };
}
