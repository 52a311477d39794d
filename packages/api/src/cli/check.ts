// `pnpm auth check`: the whole configuration checked without starting a server (Django's check).
import { isAsymmetric } from "@kit/auth";
import { closeConnection, connectBounded, migrationStatus, queryBounded, stalledBy } from "@kit/db";
import type pg from "pg";
import { accessClaims } from "../access-claims";
import { accessClaimNames, accessClaimsProblem } from "../claims/define-access-claims";
import { openDatabase } from "../database";
import { EnvError, loadEnv, type ServerEnv } from "../env";
import { retiredKeyWarnings } from "../key-config";
import { pingRedis, storeName } from "../rate-limit";
import {
  checkPreviousSecrets,
  generatedSecretPath,
  resolveAuthSecret,
  secretFileProblem,
  secretRequired,
} from "../secret";
import { lifetimeProblems } from "../token-lifetimes";
import type { CliIo } from "./io";

type Verdict = "ok" | "warning" | "problem";

interface Finding {
  verdict: Verdict;
  name: string;
  detail: string;
}

/**
 * Runs every check, printing one line each; returns false when any found a problem. Warnings
 * (what a server would start with, but say) do not fail it.
 */
export async function runChecks(
  source: Record<string, string | undefined> | undefined,
  io: CliIo,
): Promise<boolean> {
  const findings: Finding[] = [];
  const report = (verdict: Verdict, name: string, detail: string) => {
    findings.push({ verdict, name, detail });
    io.out(`[${verdict}] ${name}: ${detail}`);
  };
  const given = source ?? process.env;
  // Judged as `pnpm start` will run it: that sets NODE_ENV=production, while the parser's default
  // (development) would pass an example secret the server then refuses.
  // `pnpm start` sets it whatever the shell holds, so a value the kit does not read ("staging")
  // is judged as production too rather than refused.
  const stated = given.NODE_ENV ?? "";
  const defaulted = !["development", "production", "test"].includes(stated);
  let env: ServerEnv;
  try {
    env = loadEnv(defaulted ? { ...given, NODE_ENV: "production" } : given);
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    // One line per variable in error (the message's first line is only its heading).
    for (const line of error.message.split("\n").slice(1)) {
      report("problem", "environment", line.trim());
    }
    return false;
  }
  report(
    "ok",
    "environment",
    defaulted
      ? `parses, judged for NODE_ENV=production (what pnpm start runs${stated === "" ? "" : `, whatever NODE_ENV says: ${JSON.stringify(stated)} is not one the kit reads`}); NODE_ENV=development to judge for pnpm dev`
      : `parses (NODE_ENV=${env.nodeEnv})`,
  );
  const claimsProblem = accessClaimsProblem(accessClaims);
  if (claimsProblem === undefined) report("ok", "access claims", accessClaimNames(accessClaims));
  else report("problem", "access claims", claimsProblem);
  await checkSecrets(env, report);
  checkLifetimes(env, report);
  await checkDatabase(env, io, report);
  await checkRateLimitStore(env, report);
  return findings.every((finding) => finding.verdict !== "problem");
}

type Report = (verdict: Verdict, name: string, detail: string) => void;

// Where the servers count sign-in attempts, so that `pnpm auth unlock-user` is run against the
// same store; a Redis that does not answer is a warning, since servers start without it.
async function checkRateLimitStore(env: ServerEnv, report: Report): Promise<void> {
  if (!env.redisUrl) {
    report("ok", "rate limits", "counted in the database (REDIS_URL unset)");
    return;
  }
  const where = storeName({ kind: "redis", url: env.redisUrl });
  try {
    await pingRedis(env.redisUrl);
    report("ok", "rate limits", `counted in ${where}, which answers`);
  } catch (error) {
    report(
      "warning",
      "rate limits",
      `${where} does not answer (${(error as Error).message}): servers start, and count in each process's memory until it does`,
    );
  }
}

async function checkSecrets(env: ServerEnv, report: Report): Promise<void> {
  const production = env.nodeEnv === "production";
  // What start-up signs with: an asymmetric key (loadEnv has checked it and refused any HS256
  // secret beside it), or for HS256 AUTH_SECRET, else AUTH_SIGNING_KEY, else a generated one.
  const hsSecret = env.authSecret ?? env.signingKey;
  const secretName = env.authSecret !== undefined ? "AUTH_SECRET" : "AUTH_SIGNING_KEY";
  if (isAsymmetric(env.algorithm)) {
    const kid = env.signingKeyId ? `, kid "${env.signingKeyId}"` : "";
    report(
      "ok",
      "AUTH_SIGNING_KEY",
      `${env.algorithm} private key${kid} (no HS256 secret is used)`,
    );
  } else if (
    hsSecret === undefined &&
    secretRequired({ production, databaseUrl: env.databaseUrl })
  ) {
    report(
      "problem",
      "AUTH_SECRET",
      "not set: a production server on DATABASE_URL refuses to start without it; set it (openssl rand -base64 48), or add what `pnpm --silent auth keys generate` prints",
    );
  } else if (hsSecret === undefined) {
    report(
      "warning",
      "AUTH_SECRET",
      "not set: servers use a secret generated in the data folder; set it for production and for more than one instance",
    );
    // The one start-up generated, if any: it refuses one others could read or replace.
    const exposed = await secretFileProblem(generatedSecretPath(env.dataDir));
    if (exposed) report("problem", "AUTH_SECRET", exposed);
  } else {
    const warnings: string[] = [];
    try {
      // With a secret given, this only checks it (the same rules start-up applies).
      await resolveAuthSecret({
        secret: hsSecret,
        name: secretName,
        dataDir: env.dataDir,
        production,
        warn: (line) => warnings.push(line),
      });
      if (warnings.length === 0) report("ok", secretName, "strong enough");
      for (const line of warnings) report("warning", secretName, line);
    } catch (error) {
      report("problem", secretName, (error as Error).message);
    }
  }
  for (const line of retiredKeyWarnings(env.verificationKeys, Date.now())) {
    report("warning", "AUTH_VERIFICATION_KEYS", line);
  }
  if (env.previousSecrets.length === 0) return;
  const warnings: string[] = [];
  try {
    checkPreviousSecrets(env.previousSecrets, {
      production,
      warn: (line) => warnings.push(line),
      now: Date.now(),
      longestTokenSeconds: Math.max(env.accessTtl, Math.min(env.refreshTtl, env.sessionMaxAge)),
    });
    if (warnings.length === 0) report("ok", "AUTH_SECRET_PREVIOUS", "strong enough, all retiring");
    for (const line of warnings) report("warning", "AUTH_SECRET_PREVIOUS", line);
  } catch (error) {
    report("problem", "AUTH_SECRET_PREVIOUS", (error as Error).message);
  }
}

function checkLifetimes(env: ServerEnv, report: Report): void {
  const problems = lifetimeProblems(env);
  if (problems.length === 0) {
    report(
      "ok",
      "token lifetimes",
      `access ${env.accessTtl}s < refresh ${env.refreshTtl}s <= session ${env.sessionMaxAge}s`,
    );
  }
  for (const problem of problems) report("problem", "token lifetimes", problem);
}

async function checkDatabase(env: ServerEnv, io: CliIo, report: Report): Promise<void> {
  // The deployment's own bound, as every command and the server wait on the database.
  const timeoutMs = env.databaseTimeout * 1000;
  let database: Awaited<ReturnType<typeof openDatabase>>;
  try {
    database = await openDatabase(env, io.err, false);
  } catch (error) {
    report("problem", "database", `cannot open: ${(error as Error).message}`);
    return;
  }
  try {
    let client: pg.Client;
    try {
      client = await connectBounded(database.url, timeoutMs);
    } catch (error) {
      report("problem", "database", `unreachable: ${(error as Error).message}`);
      return;
    }
    let cannotMigrate: string | null = null;
    let stalled = false;
    try {
      await queryBounded(client, database.url, timeoutMs, "SELECT 1");
      report("ok", "database", env.databaseUrl ? "reachable" : `embedded, in ${env.dataDir}`);
      if (env.migrateOnStart) {
        cannotMigrate = await whyRoleCannotMigrate(client, database.url, timeoutMs);
      }
    } catch (error) {
      stalled = stalledBy(error);
      report("problem", "database", `unreachable: ${(error as Error).message}`);
      return;
    } finally {
      await closeConnection(client, stalled);
    }
    if (cannotMigrate !== null) {
      // Not a problem yet: with nothing pending such a server starts. The next release's
      // migration is what it would fail on, at start-up.
      report(
        "warning",
        "DATABASE_MIGRATE",
        `on, but ${cannotMigrate}: a server started so fails when a migration is pending; set DATABASE_MIGRATE=off for this role and apply migrations as the schema owner (pnpm db:migrate)`,
      );
    } else {
      report(
        "ok",
        "DATABASE_MIGRATE",
        env.migrateOnStart
          ? "on: a server applies pending migrations at start (its role must own the schema)"
          : "off: a server only checks that every migration is applied, and refuses to start otherwise",
      );
    }
    try {
      const status = await migrationStatus(database.url, { timeoutMs });
      // With DATABASE_MIGRATE=off no server will apply them: only the schema owner can.
      // An upgrade's usual state: with DATABASE_MIGRATE=on and a role that may, the next start
      // applies them, so a check before it (README, Upgrading) warns and passes.
      const startApplies = env.migrateOnStart && cannotMigrate === null;
      let apply =
        "DATABASE_MIGRATE=off: servers refuse to start until the schema owner runs pnpm db:migrate";
      if (startApplies) apply = "the next pnpm start applies them, or run pnpm db:migrate";
      else if (env.migrateOnStart) apply = "run pnpm db:migrate as the schema owner";
      const problems = [
        status.failed.length ? `failed and unresolved: ${status.failed.join(", ")}` : "",
        status.modified.length ? `edited after applied: ${status.modified.join(", ")}` : "",
      ].filter(Boolean);
      const pending = status.pending.length
        ? `pending: ${status.pending.join(", ")} (${apply})`
        : "";
      if (problems.length === 0 && !pending) report("ok", "migrations", "all applied");
      for (const problem of problems) report("problem", "migrations", problem);
      if (pending) report(startApplies ? "warning" : "problem", "migrations", pending);
      if (status.unknown.length > 0) {
        report(
          "warning",
          "migrations",
          `applied but not in this release's folder: ${status.unknown.join(", ")}`,
        );
      }
    } catch (error) {
      report("problem", "migrations", (error as Error).message);
    }
  } finally {
    await database.stop();
  }
}

/**
 * Why the connected role could not apply a migration, or null when it could: it needs to create
 * in the schema and to own the migrations' history (whoever owns that applied the migrations, and
 * owns what they made). By the catalogue, changing nothing.
 */
async function whyRoleCannotMigrate(
  client: pg.Client,
  url: string,
  timeoutMs: number,
): Promise<string | null> {
  const { rows } = await queryBounded<{ role: string; create: boolean | null; owner: boolean }>(
    client,
    url,
    timeoutMs,
    `SELECT current_user AS role,
       has_schema_privilege(current_schema(), 'CREATE') AS create,
       coalesce((SELECT pg_has_role(current_user, c.relowner, 'USAGE') FROM pg_class c
                 WHERE c.oid = to_regclass('_prisma_migrations')), true) AS owner`,
  );
  const row = rows[0];
  if (row === undefined) return null;
  const role = JSON.stringify(row.role);
  if (row.create !== true) return `the role ${role} may not create in the schema`;
  if (!row.owner)
    return `the role ${role} does not own the migrations' history (_prisma_migrations)`;
  return null;
}
