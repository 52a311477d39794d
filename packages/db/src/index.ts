// @kit/db: the Prisma client and named selects, migrations, and PostgreSQL servers for dev and tests.
export {
  createPrismaClient,
  Prisma,
  PrismaClient,
  type PrismaClientOptions,
  type Session,
  type User,
} from "./client.ts";
export {
  type EmbeddedPostgresHandle,
  type EnsureEmbeddedPostgresOptions,
  ensureEmbeddedPostgres,
} from "./embedded-postgres.ts";
export { importEmbeddedPostgres } from "./embedded-postgres-import.ts";
export {
  EmbeddedPostgresError,
  type EmbeddedPostgresErrorCode,
  MigrationError,
  type MigrationErrorCode,
} from "./errors.ts";
export { type MigrateOptions, migrate } from "./migrate.ts";
export { migrationChecksum } from "./migration-checksum.ts";
export {
  type SessionRecord,
  sessionSelect,
  type UserAuth,
  type UserCredentials,
  type UserPublic,
  userAuthSelect,
  userCredentialsSelect,
  userPublicSelect,
} from "./selects.ts";
export {
  type ProvisionTestDatabaseOptions,
  provisionTestDatabase,
} from "./test-database.ts";
export { startThrowawayPostgres } from "./throwaway-postgres.ts";
export { isUniqueViolation } from "./unique-violation.ts";
export { findWorkspaceRoot } from "./workspace-root.ts";
