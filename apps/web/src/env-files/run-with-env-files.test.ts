// The root `pnpm auth` as an operator runs it with DATABASE_URL only in an env file: the command
// must reach that database, as `pnpm start` would, not an embedded one of its own.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { uniqueEmail } from "@kit/api/testing";
import { withoutEnvFiles } from "@kit/api/testing/env-isolation";
import { createPrismaClient } from "@kit/db";
import { runToEnd } from "@kit/db/testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

const webDir = path.resolve(import.meta.dirname, "../..");
const rootDir = path.resolve(webDir, "../..");
const WRAPPER = "pnpm --silent --filter @kit/web with-env-files ";
const PASSWORD = "correct horse battery staple";

let appDir: string;
let dataDir: string;
beforeAll(async () => {
  // A folder of its own: never the developer's apps/web/.env.local.
  appDir = await mkdtemp(path.join(tmpdir(), "kit-env-files-"));
  dataDir = await mkdtemp(path.join(tmpdir(), "kit-env-files-data-"));
});
afterAll(async () => {
  await rm(appDir, { recursive: true, force: true });
  await rm(dataDir, { recursive: true, force: true });
});

async function scripts(dir: string): Promise<Record<string, string>> {
  return JSON.parse(await readFile(path.join(dir, "package.json"), "utf8")).scripts;
}

/** The command the root package.json's `auth` script hands the wrapper. */
async function rootAuthCommand(): Promise<string[]> {
  const { auth } = await scripts(rootDir);
  expect(auth?.startsWith(WRAPPER)).toBe(true);
  return (auth as string).slice(WRAPPER.length).split(" ");
}

/** The wrapper's own command line, as apps/web's package.json ships it (`node --import tsx …`). */
async function wrapperCommand(): Promise<[string, ...string[]]> {
  const [program, ...args] = (await scripts(webDir))["with-env-files"]?.split(" ") ?? [];
  expect(program).toBe("node");
  // The node running this test: the one pnpm would find first on PATH here.
  return [process.execPath, ...args];
}

/** Runs `pnpm auth <args>` through the wrapper, reading the env files in `appDir`. */
async function auth(args: string[], env: Record<string, string | undefined>, input = "") {
  // NODE_ENV unset, as an operator's shell has it; DATA_DIR keeps any embedded database (the
  // bug) out of the repository's .data. (Typed loosely: Next.js declares NODE_ENV always set.)
  const childEnv: Record<string, string | undefined> = {
    ...process.env,
    NODE_ENV: undefined,
    DATABASE_URL: undefined,
    DATA_DIR: dataDir,
    ...env,
  };
  const [program, ...wrapperArgs] = await wrapperCommand();
  const child = spawn(
    program,
    [...wrapperArgs, "--dir", appDir, ...(await rootAuthCommand()), ...args],
    {
      cwd: webDir,
      env: childEnv as NodeJS.ProcessEnv,
      stdio: ["pipe", "pipe", "pipe"],
    },
  );
  return runToEnd(child, input);
}

describe("pnpm auth reads the env files pnpm start reads", () => {
  const url = inject("databaseUrl");
  const db = createPrismaClient(url);
  afterAll(async () => {
    await db.$disconnect();
  });

  it("creates the user in the database DATABASE_URL names in .env.local", async () => {
    await writeFile(path.join(appDir, ".env.local"), `DATABASE_URL=${url}\n`);
    const email = uniqueEmail("env-file");
    const run = await auth(["create-user", "--email", email, "--password-stdin"], {}, PASSWORD);
    expect(run.stdout).toContain(`created user ${email}`);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("[env] read .env.local");
    expect(await db.user.count({ where: { email } })).toBe(1);

    // The exit code and stderr come through: an email nobody has, in that same database.
    const missing = await auth(["deactivate-user", "--email", uniqueEmail("nobody")], {});
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("no account with email");
  });

  it("reads production's files, as pnpm start does, and lets the real environment win", async () => {
    const unreachable = new URL(url);
    unreachable.pathname = "/kit_no_such_database";
    await writeFile(path.join(appDir, ".env.local"), `DATABASE_URL=${unreachable}\n`);
    // Development's file is not pnpm start's: ignored unless NODE_ENV=development.
    await writeFile(path.join(appDir, ".env.development.local"), "AUTH_ACCESS_TOKEN_TTL=soon\n");
    const email = uniqueEmail("env-real");
    const run = await auth(
      ["create-user", "--email", email, "--password-stdin"],
      { DATABASE_URL: url },
      PASSWORD,
    );
    expect(run.stderr).not.toContain("AUTH_ACCESS_TOKEN_TTL");
    expect(run.code).toBe(0);
    expect(await db.user.count({ where: { email } })).toBe(1);

    const dev = await auth(["check"], { DATABASE_URL: url, NODE_ENV: "development" });
    expect(dev.stdout).toContain(
      '[problem] environment: AUTH_ACCESS_TOKEN_TTL: Invalid duration "soon"',
    );
    expect(dev.code).toBe(1);
  });

  it("keeps stdout the command's own: a generated key can be redirected into a file", async () => {
    const run = await auth(["keys", "generate", "--alg", "ES256"], {});
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain("[env]");
    expect(run.stdout.trim().split("\n")[0]).toMatch(/^[A-Z_]+=/);
  });
});

describe("withoutEnvFiles, the environment every test server is started with", () => {
  it("keeps a developer's .env.production.local out: its settings stay empty", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "kit-env-isolation-"));
    try {
      await writeFile(
        path.join(dir, ".env.production.local"),
        "AUTH_ALGORITHM=ES256\nDATABASE_URL=postgresql://elsewhere/app\nLOG_LEVEL=debug\n",
      );
      const [program, ...wrapperArgs] = await wrapperCommand();
      const print = `console.log(JSON.stringify([process.env.AUTH_ALGORITHM, process.env.DATABASE_URL, process.env.LOG_LEVEL]))`;
      const settingsSeen = async (env: NodeJS.ProcessEnv) => {
        const child = spawn(
          program,
          [...wrapperArgs, "--dir", dir, process.execPath, "-e", print],
          { cwd: webDir, env, stdio: ["pipe", "pipe", "pipe"] },
        );
        const run = await runToEnd(child);
        expect(run.code).toBe(0);
        return JSON.parse(run.stdout);
      };
      const shell = { ...process.env, NODE_ENV: "production" } as NodeJS.ProcessEnv;
      for (const name of ["AUTH_ALGORITHM", "DATABASE_URL", "LOG_LEVEL"]) delete shell[name];
      // The file is read when nothing stops it...
      expect(await settingsSeen(shell)).toEqual(["ES256", "postgresql://elsewhere/app", "debug"]);
      // ...and not under withoutEnvFiles, which still passes on what the test sets.
      expect(await settingsSeen(withoutEnvFiles({ ...shell, LOG_LEVEL: "warn" }))).toEqual([
        "",
        "",
        "warn",
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
