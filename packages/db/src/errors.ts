// The package's domain errors: each carries a machine `code` callers branch on, never the text.

export type MigrationErrorCode =
  | "WORKSPACE_NOT_FOUND"
  | "MIGRATIONS_NOT_FOUND"
  | "MIGRATION_PROVIDER_MISMATCH"
  | "MIGRATION_MODIFIED"
  | "MIGRATION_FAILED"
  | "MIGRATION_LOCK_TIMEOUT"
  // The database lacks migrations and this process was told not to apply them (requireMigrated).
  | "MIGRATIONS_PENDING"
  // The role may not change the schema (SQLSTATE 42501): migrations need the schema owner.
  | "MIGRATION_NOT_PERMITTED"
  // Connecting failed, or the server stopped answering within the timeout (DATABASE_TIMEOUT).
  | "DATABASE_UNREACHABLE";

/** Thrown by `migrate`, `requireMigrated` (and `findWorkspaceRoot`); `migration` names the migration at fault. */
export class MigrationError extends Error {
  override readonly name = "MigrationError";
  readonly code: MigrationErrorCode;
  readonly migration: string | undefined;

  constructor(
    code: MigrationErrorCode,
    message: string,
    options: { migration?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.code = code;
    this.migration = options.migration;
  }
}

export type EmbeddedPostgresErrorCode =
  | "DATA_DIR_NOT_TRAVERSABLE"
  // Asked for an existing database only (`create: false`), and the folder holds none.
  | "NO_DATABASE_YET"
  | "DATA_DIR_BUSY"
  | "PASSWORD_FILE_MISSING"
  | "POSTGRES_START_FAILED"
  | "POSTGRES_UNREACHABLE";

/** Thrown while starting, reusing or recovering an embedded PostgreSQL server. */
export class EmbeddedPostgresError extends Error {
  override readonly name = "EmbeddedPostgresError";
  readonly code: EmbeddedPostgresErrorCode;

  constructor(code: EmbeddedPostgresErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
  }
}

export type NotifyListenerErrorCode =
  | "LISTENER_CONNECT_FAILED"
  | "LISTENER_CONNECTION_LOST"
  | "LISTENER_HEARTBEAT_TIMEOUT";

/**
 * Why a LISTEN connection stopped listening (handed to `onStateChange`, never thrown): it
 * reconnects by itself, and whoever relies on its notifications must stop trusting them until it
 * does.
 */
export class NotifyListenerError extends Error {
  override readonly name = "NotifyListenerError";
  readonly code: NotifyListenerErrorCode;

  constructor(code: NotifyListenerErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
  }
}

export type SchemaDiffErrorCode =
  | "MIGRATION_NAME_INVALID"
  | "SCHEMA_NOT_FOUND"
  | "SCRATCH_DATABASE_FAILED"
  | "SCHEMA_DIFF_FAILED";

/**
 * Thrown while computing the SQL between the migrations and schema.prisma (`pnpm db:migration`).
 * `MIGRATION_NAME_INVALID` is the caller's mistake; the others are problems to fix.
 */
export class SchemaDiffError extends Error {
  override readonly name = "SchemaDiffError";
  readonly code: SchemaDiffErrorCode;

  constructor(code: SchemaDiffErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
  }
}
