// @kit/db: the Prisma client and named selects, migrations, the embedded PostgreSQL server, and
// LISTEN with reconnect (how servers hear of session changes).
// Test support (throwaway servers, test databases) is a separate entry: `@kit/db/testing`.

export { type AbandonedReport, cancelAbandonedStatements } from "./client/abandoned-statements";
export {
  createPrismaClient,
  DEFAULT_DATABASE_TIMEOUT_MS,
  Prisma,
  PrismaClient,
  type PrismaClientOptions,
  poolOf,
  type Role,
  type Session,
  type SqlPool,
  type User,
} from "./client/client";
export { isDatabaseUnavailable } from "./client/database-unavailable";
export {
  type LoggedDatabaseError,
  loggableDatabaseError,
  withoutValues,
} from "./client/loggable-error";
export { type RefusedValue, refusedValue } from "./client/refused-value";
export {
  type SessionAuth,
  type SessionRecord,
  type SessionRotation,
  sessionAuthSelect,
  sessionRotationSelect,
  sessionSelect,
  type UserAuth,
  type UserCredentials,
  type UserIdentity,
  type UserPublic,
  userAuthSelect,
  userCredentialsSelect,
  userPublicSelect,
} from "./client/selects";
export { isUniqueViolation } from "./client/unique-violation";
export {
  type EmbeddedPostgresHandle,
  type EnsureEmbeddedPostgresOptions,
  ensureEmbeddedPostgres,
} from "./embedded/embedded-postgres";
export { importEmbeddedPostgres } from "./embedded/embedded-postgres-import";
export {
  EmbeddedPostgresError,
  type EmbeddedPostgresErrorCode,
  MigrationError,
  type MigrationErrorCode,
  NotifyListenerError,
  type NotifyListenerErrorCode,
} from "./errors";
export { type MigrateOptions, migrate } from "./migrations/migrate";
export { migrationChecksum } from "./migrations/migration-checksum";
export {
  closeConnection,
  connectBounded,
  describeServer,
  queryBounded,
  stalledBy,
} from "./migrations/migration-connection";
export { type MigrationStatus, migrationStatus } from "./migrations/migration-status";
export { type RequireMigratedOptions, requireMigrated } from "./migrations/require-migrated";
export {
  type ListenOptions,
  listenWithReconnect,
  type NotifyListener,
} from "./notify/listen-connection";
export {
  parseSessionChange,
  SESSION_CHANGE_CHANNEL,
  type SessionChange,
} from "./notify/session-change";
export { findWorkspaceRoot } from "./workspace-root";
