// `pnpm db:migration`: the process around migrations/migration-command.ts, and its environment.
import { runMigrationCommand } from "../migrations/migration-command";

process.exitCode = await runMigrationCommand(
  process.argv.slice(2),
  { out: (text) => console.log(text), err: (text) => console.error(text) },
  {
    databaseUrl: process.env.DATABASE_URL || undefined,
    // pnpm runs package scripts in the package's folder; INIT_CWD is where the command was typed.
    cwd: process.env.INIT_CWD ?? process.cwd(),
  },
);
