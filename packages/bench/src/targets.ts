// The servers the bench measures, and how each is started: `pnpm start` and `pnpm serve` on the
// embedded database or on PostgreSQL, two workers, and the three floors.
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { RATE_LIMIT_VARIABLES } from "@kit/api/env";
import { withoutEnvFiles } from "@kit/api/testing/env-isolation";
import { findWorkspaceRoot } from "@kit/db";
import { freePort } from "@kit/db/testing";
import { freshDatabase, type PgServer, temporaryDataDir } from "./database";
import type { TargetId } from "./options";
import type { TargetResult } from "./results";
import { type RunningServer, startServer } from "./server-process";

export interface Launched {
  server: RunningServer;
  label: string;
  kind: TargetResult["kind"];
  workers: number;
  /** Stops the server, then removes its database or data folder. */
  close(): Promise<void>;
}

export interface LaunchContext {
  pg: PgServer;
  /** The floors' HS256 key (hex); the bench signs their tokens with it. */
  floorSecret: string;
  /** AUTH_SECRET for every app server of this run: random and strong, made per run. */
  appSecret: string;
  /** Extra environment for app servers (the profiler's NODE_OPTIONS). */
  extraEnv?: NodeJS.ProcessEnv;
}

const BENCH_DIR = fileURLToPath(new URL("..", import.meta.url));

/** A random strong AUTH_SECRET: nothing signed in a bench run is valid anywhere else. */
export const randomAppSecret = () => randomBytes(48).toString("base64url");

/** The environment an operator would give a server here: ours only, nothing from the shell's AUTH_*. */
function appEnv(port: number, secret: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (
      !/^(AUTH_|DATABASE_URL$|DATA_DIR$|WEB_CONCURRENCY$|NODE_ENV$|NODE_OPTIONS$|PORT$|HOST$)/.test(
        name,
      )
    ) {
      env[name] = value;
    }
  }
  env.AUTH_SECRET = secret;
  // Out of the way: every count as high as the setting allows (the windows keep their defaults).
  for (const [name, [, kind]] of Object.entries(RATE_LIMIT_VARIABLES)) {
    if (kind === "count") env[name] = "1000000000";
  }
  // Settings left unset are set empty: apps/web's env files must not fill them in either.
  return withoutEnvFiles({
    ...env,
    PORT: String(port),
    HOST: "127.0.0.1",
    DEMO_USER: "off",
    ...extra,
  });
}

const FLOOR_FILES = {
  "floor-a": "hs256-floor.ts",
  "floor-b": "pg-floor.ts",
  "floor-c": "trpc-floor.ts",
} as const;
const FLOOR_LABELS = {
  "floor-a": "floor (a) node:http + HS256",
  "floor-b": "floor (b) (a) + one pg read",
  "floor-c": "floor (c) bare tRPC + HS256 + Map",
} as const;
export const FLOOR_USERS = 64;

export async function launch(id: TargetId, ctx: LaunchContext): Promise<Launched> {
  if (id === "floor-a" || id === "floor-b" || id === "floor-c") {
    const port = await freePort();
    const db = id === "floor-b" ? await freshDatabase(ctx.pg.url, "floor_b") : undefined;
    const server = await startServer({
      command: process.execPath,
      args: ["--import", "tsx", `src/floors/${FLOOR_FILES[id]}`],
      cwd: BENCH_DIR,
      env: {
        ...process.env,
        PORT: String(port),
        FLOOR_SECRET: ctx.floorSecret,
        FLOOR_USERS: String(FLOOR_USERS),
        DATABASE_URL: db?.url ?? "",
        // As the app servers run: tRPC leaves stack traces out of error answers in production.
        NODE_ENV: "production",
      },
      port,
      readyPath: "/",
    }).catch(async (error: unknown) => {
      await db?.drop();
      throw error;
    });
    const close = async () => {
      await server.stop();
      await db?.drop();
    };
    return { server, label: FLOOR_LABELS[id], kind: "floor", workers: 1, close };
  }

  const kind = id.startsWith("start") ? "start" : "serve";
  const workers = id === "start-pg-2w" ? 2 : 1;
  const embedded = id.endsWith("embedded");
  const db = embedded ? undefined : await freshDatabase(ctx.pg.url, id);
  const data = embedded ? await temporaryDataDir() : undefined;
  const server = await startApp(kind, ctx, {
    ...(db ? { DATABASE_URL: db.url } : { DATA_DIR: data?.dir }),
    ...(workers > 1 ? { WEB_CONCURRENCY: String(workers) } : {}),
  }).catch(async (error: unknown) => {
    // A server that never served leaves nothing behind either.
    await db?.drop();
    await data?.remove();
    throw error;
  });
  const label = `pnpm ${kind}${workers > 1 ? ` WEB_CONCURRENCY=${workers}` : ""} · ${embedded ? "embedded" : "DATABASE_URL"}`;
  const close = async () => {
    await server.stop();
    await db?.drop();
    await data?.remove();
  };
  return { server, label, kind, workers, close };
}

/** `pnpm start` or `pnpm serve` from the workspace root, as a user starts it, on a free port. */
export async function startApp(
  kind: "start" | "serve",
  ctx: LaunchContext,
  env: NodeJS.ProcessEnv,
): Promise<RunningServer> {
  const port = await freePort();
  const args = kind === "start" ? ["start", "--hostname", "127.0.0.1"] : ["serve"];
  return startServer({
    command: "pnpm",
    args,
    cwd: findWorkspaceRoot(),
    env: appEnv(port, ctx.appSecret, { ...env, ...ctx.extraEnv }),
    port,
    readyPath: "/api/trpc/overview.sample",
  });
}
