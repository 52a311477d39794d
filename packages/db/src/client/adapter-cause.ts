// Prisma's driver adapter keeps PostgreSQL's own account of a failure (the SQLSTATE, its kind
// name, the constraint) under `meta.driverAdapterError.cause`; a DriverAdapterError that escapes
// unwrapped holds it as its `cause`. Read by shape: a bundler may load Prisma's classes twice.

/** The driver adapter's account of a database failure; every field as the adapter gave it. */
export interface AdapterCause {
  /** PostgreSQL's SQLSTATE. */
  originalCode?: unknown;
  /** The adapter's name for it (`LengthMismatch`, `DatabaseNotReachable`, …). */
  kind?: unknown;
  constraint?: unknown;
}

/** The adapter's cause behind `err`, from a Prisma error or a bare DriverAdapterError. */
export function adapterCause(err: object): AdapterCause | undefined {
  const { name, meta, cause } = err as {
    name?: unknown;
    meta?: { driverAdapterError?: { cause?: unknown } };
    cause?: unknown;
  };
  const found =
    meta?.driverAdapterError?.cause ?? (name === "DriverAdapterError" ? cause : undefined);
  return typeof found === "object" && found !== null ? (found as AdapterCause) : undefined;
}
