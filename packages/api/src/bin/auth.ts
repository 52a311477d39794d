// `pnpm auth <command>`: the operator's command line (see cli/run.ts and the README).
import { processIo } from "../cli/io";
import { runCli } from "../cli/run";

process.exitCode = await runCli(process.argv.slice(2), processIo);
