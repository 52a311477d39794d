// `pnpm auth <command>`: parses the arguments, runs one command, and returns the exit code.
import { parseArgs } from "node:util";
import { isDatabaseUnavailable, loggableDatabaseError, withoutValues } from "@kit/db";
import { EnvError, loadEnv, type ServerEnv } from "../env";
import { runChecks } from "./check";
import { createUser } from "./create-user";
import { CliError, EXIT, usageError } from "./errors";
import { generateKeys } from "./generate-keys";
import type { CliIo } from "./io";
import { pruneOnce } from "./prune";
import { setUserActive } from "./set-active";
import { setUserRole } from "./set-role";
import { unlockUser } from "./unlock-user";

export const USAGE = `Usage: pnpm auth <command> [options]

Commands (each against DATABASE_URL, or else the embedded database in DATA_DIR):
  create-user --email E [--name N] [--admin] [--password-stdin]
                      create an account (an admin with --admin); the password is asked twice
                      without echo, or read from stdin's first line with --password-stdin
                      (for scripts)
  deactivate-user --email E
                      refuse the account's sign-ins and revoke all its sessions at once
  reactivate-user --email E
                      let a deactivated account sign in again
  set-role --email E --role admin|user
                      give or take the admin role; counts from the account's next call
  unlock-user --email E
                      clear the account's failed-login counts and locks, from every client
                      and device, so it may sign in again now
  sessions prune      delete ended sessions, old audit events and expired rate-limit rows now
  keys generate --alg HS256|RS256|PS256|ES256
                      print a fresh signing key and kid as environment lines (no database)
  check               check the configuration, the database and its migrations

Options:
  -h, --help          this text

Exit codes: 0 done, 1 a problem (printed), 2 a usage error, 130 aborted at the prompt.`;

const OPTIONS = {
  email: { type: "string" },
  name: { type: "string" },
  admin: { type: "boolean", default: false },
  "password-stdin": { type: "boolean", default: false },
  alg: { type: "string" },
  role: { type: "string" },
  help: { type: "boolean", short: "h", default: false },
} as const;

type Values = ReturnType<
  typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>
>["values"];

/** Each command's options; any other is a usage error. */
const ALLOWED: Record<string, (keyof Values)[]> = {
  "create-user": ["email", "name", "admin", "password-stdin"],
  "deactivate-user": ["email"],
  "reactivate-user": ["email"],
  "set-role": ["email", "role"],
  "unlock-user": ["email"],
  "sessions prune": [],
  "keys generate": ["alg"],
  check: [],
};

export async function runCli(
  argv: string[],
  io: CliIo,
  source?: Record<string, string | undefined>,
): Promise<number> {
  try {
    return await dispatch(argv, io, source);
  } catch (error) {
    if (error instanceof CliError) {
      io.err(`error: ${error.message}`);
      if (error.code === "USAGE") io.err("(pnpm auth --help lists the commands)");
      return error.exitCode;
    }
    if (isDatabaseUnavailable(error)) {
      io.err(`error: the database did not answer in time, or went away (${databaseCause(error)})`);
      io.err(
        "(the change may or may not have been made before that: every command is safe to run again once the database answers)",
      );
      return EXIT.problem;
    }
    io.err(
      `error: ${databaseCause(error) ?? (error instanceof Error ? error.message : String(error))}`,
    );
    return EXIT.problem;
  }
}

/**
 * What a database failure says went wrong, in one line: Prisma's message opens with the call and
 * the source around it (this package's paths and code), which an operator has no use for, and
 * ends with the database's own words. Values quoted in it are left out (they can be input).
 * Null for an error that is not the database's.
 */
function databaseCause(error: unknown): string | null {
  const logged = loggableDatabaseError(error);
  if (!logged || !(error instanceof Error)) return null;
  const paragraphs = error.message.trim().split(/\n\s*\n/);
  const last = (paragraphs.at(-1) ?? "").replace(/\s+/g, " ").trim();
  return withoutValues(/invocation/.test(last) ? (logged.code ?? "no answer") : last);
}

async function dispatch(
  argv: string[],
  io: CliIo,
  source: Record<string, string | undefined> | undefined,
): Promise<number> {
  let parsed: { values: Values; positionals: string[] };
  try {
    const { values, positionals, tokens } = parseArgs({
      args: argv,
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
      tokens: true,
    });
    // parseArgs keeps the last of a repeated option: `--email a --email b` would act on b alone.
    const seen = new Set<string>();
    for (const token of tokens) {
      if (token.kind !== "option") continue;
      if (seen.has(token.name)) throw usageError(`--${token.name} is given more than once`);
      seen.add(token.name);
    }
    parsed = { values, positionals };
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw usageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length === 0) {
    io.out(USAGE);
    return values.help ? EXIT.ok : EXIT.usage;
  }
  const command = positionals.join(" ");
  const allowed = ALLOWED[command];
  if (!allowed) {
    // A known command with words after it: say which, rather than that the command is unknown.
    const known = Object.keys(ALLOWED).find((name) => command.startsWith(`${name} `));
    if (known) throw usageError(`${known} takes no argument ${command.slice(known.length + 1)}`);
    // The first word of a two-word command: name the commands it begins.
    const begun = Object.keys(ALLOWED).filter((name) => name.startsWith(`${command} `));
    if (begun.length > 0)
      throw usageError(`${command} is not a command; did you mean ${begun.join(", ")}?`);
    // The last word of a two-word command (`prune` for `sessions prune`): name it whole.
    const ended = Object.keys(ALLOWED).filter((name) => name.endsWith(` ${command}`));
    const hint = ended.length > 0 ? `; did you mean ${ended.join(", ")}?` : "";
    throw usageError(`unknown command: ${command}${hint}`);
  }
  // A known command's help is the whole text (its options are there); an unknown one's is the
  // error above, as git answers `git bogus --help`.
  if (values.help) {
    io.out(USAGE);
    return EXIT.ok;
  }
  for (const [option, value] of Object.entries(values)) {
    const given = value !== undefined && value !== false;
    if (given && option !== "help" && !allowed.includes(option as keyof Values)) {
      throw usageError(`${command} takes no --${option}`);
    }
  }
  if (command === "keys generate") {
    generateKeys(io, values.alg);
    return EXIT.ok;
  }
  if (command === "check") {
    return (await runChecks(source, io)) ? EXIT.ok : EXIT.problem;
  }
  const env = environment(source);
  const email = () => {
    if (!values.email) throw usageError(`${command} needs --email`);
    return values.email;
  };
  switch (command) {
    case "create-user":
      await createUser(env, io, {
        email: email(),
        name: values.name,
        admin: values.admin,
        passwordStdin: values["password-stdin"],
      });
      break;
    case "deactivate-user":
      await setUserActive(env, io, email(), false);
      break;
    case "reactivate-user":
      await setUserActive(env, io, email(), true);
      break;
    case "set-role":
      await setUserRole(env, io, email(), values.role);
      break;
    case "unlock-user":
      await unlockUser(env, io, email());
      break;
    case "sessions prune":
      await pruneOnce(env, io);
      break;
  }
  return EXIT.ok;
}

function environment(source: Record<string, string | undefined> | undefined): ServerEnv {
  try {
    return loadEnv(source);
  } catch (error) {
    if (error instanceof EnvError)
      throw new CliError("INVALID_ENV", error.message, { cause: error });
    throw error;
  }
}
