// The connections Prisma's schema engine works through: @prisma/adapter-pg, plus the two fixes
// it needs to describe a PostgreSQL database (what `diff` does to the migrations' result).
import { PrismaPg } from "@prisma/adapter-pg";
import {
  ColumnTypeEnum,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlResultSet,
} from "@prisma/driver-adapter-utils";
import pg from "pg";

// PostgreSQL's one-byte internal type "char" (pg_constraint.contype, confdeltype, ...), which
// the engine's describer reads and @prisma/adapter-pg 7.10 refuses ("Column type 'char' could
// not be deserialized"). Sent on as text, then typed as the character the describer expects.
const CHAR_OID = 18;
const TEXT_OID = 25;

// Which columns of a result were "char", keyed by the rows array pg returns and the adapter
// passes through unchanged: the one thing both layers see.
const charColumns = new WeakMap<object, number[]>();

interface FieldsAndRows {
  fields?: { dataTypeID: number }[];
  rows?: unknown[];
}

function retypeCharColumns<T>(result: T): T {
  const { fields, rows } = (result ?? {}) as FieldsAndRows;
  if (!fields || !rows) return result;
  const indexes: number[] = [];
  fields.forEach((field, index) => {
    if (field.dataTypeID === CHAR_OID) {
      field.dataTypeID = TEXT_OID;
      indexes.push(index);
    }
  });
  if (indexes.length > 0) charColumns.set(rows, indexes);
  return result;
}

/** A pool whose every client reports "char" columns as text (see retypeCharColumns). */
function enginePool(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  // A database dropped under an idle client (ours, at the end) is not an error worth a crash.
  pool.on("error", () => {});
  pool.on("connect", (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args) => {
      const last = args.at(-1);
      if (typeof last === "function") {
        args[args.length - 1] = (error: unknown, result: unknown) =>
          last(error, retypeCharColumns(result));
        return query(...args);
      }
      const out = query(...args);
      return out instanceof Promise ? out.then(retypeCharColumns) : out;
    };
  });
  return pool;
}

function fixResultSet(result: SqlResultSet): SqlResultSet {
  const indexes = charColumns.get(result.rows);
  if (!indexes) return result;
  for (const index of indexes) result.columnTypes[index] = ColumnTypeEnum.Character;
  // PostgreSQL 18 lists NOT NULL as constraints (contype 'n'), which the describer does not
  // know and panics on (prisma/orm#29635); nullability is read from pg_attribute anyway.
  const type = result.columnNames.indexOf("constraint_type");
  if (type >= 0 && indexes.includes(type)) {
    result.rows = result.rows.filter((row) => row[type] !== "n");
  }
  return result;
}

async function connectAdapter(url: string): Promise<SqlDriverAdapter> {
  const pool = enginePool(url);
  const adapter = await new PrismaPg(pool).connect();
  const queryRaw = adapter.queryRaw.bind(adapter);
  adapter.queryRaw = async (query) => fixResultSet(await queryRaw(query));
  const dispose = adapter.dispose.bind(adapter);
  // The adapter leaves a pool it was handed open: ending it is ours to do.
  adapter.dispose = async () => {
    await dispose();
    await pool.end();
  };
  return adapter;
}

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * Connects the engine to `url`, and its shadow databases to ones `shadowDatabase` makes. (The
 * adapter's own shadow database would be `url` itself: pg lets the connection string's database
 * override the one the adapter sets.) `disposeAll()` closes whatever the engine left open.
 */
export function engineAdapterFactory(
  url: string,
  shadowDatabase?: () => Promise<ScratchDatabase>,
): SqlMigrationAwareDriverAdapterFactory & { disposeAll(): Promise<void> } {
  const open = new Set<SqlDriverAdapter>();
  const track = (adapter: SqlDriverAdapter, after?: () => Promise<void>) => {
    const dispose = adapter.dispose.bind(adapter);
    let disposing: Promise<void> | undefined;
    adapter.dispose = () => {
      disposing ??= (async () => {
        open.delete(adapter);
        await dispose();
        await after?.();
      })();
      return disposing;
    };
    open.add(adapter);
    return adapter;
  };
  return {
    provider: "postgres",
    adapterName: "@prisma/adapter-pg",
    connect: async () => track(await connectAdapter(url)),
    async connectToShadowDb() {
      if (!shadowDatabase) throw new TypeError("this engine was opened without shadow databases");
      const database = await shadowDatabase();
      const adapter = await connectAdapter(database.url).catch(async (error) => {
        await database.drop();
        throw error;
      });
      return track(adapter, database.drop);
    },
    async disposeAll() {
      await Promise.all([...open].map((adapter) => adapter.dispose()));
    },
  };
}
