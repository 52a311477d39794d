// @kit/db/testing: PostgreSQL for test runs. Kept out of `@kit/db` so production code cannot
// reach it; import it from tests, test harnesses and Vitest global setups only.
export { freePort } from "../embedded/free-port";
export {
  type RestartablePostgres,
  startRestartablePostgres,
} from "../embedded/restartable-postgres";
export { startThrowawayPostgres } from "../embedded/throwaway-postgres";
export { type CommitStall, stallCommits } from "./commit-stall";
export { type FreezableProxy, startFreezableProxy } from "./freezable-proxy";
export { type ProcessRun, runToEnd } from "./run-to-end";
export { type SilentServer, startSilentServer } from "./silent-server";
export { createLoggedPrismaClient, type LoggedPrismaClient } from "./statement-log";
export {
  type ProvisionTestDatabaseOptions,
  provisionTestDatabase,
} from "./test-database";
