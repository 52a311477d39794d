// Test helper: the tables, columns, indexes and foreign keys of a database's `public` schema.
import pg from "pg";

export interface Column {
  type: string;
  nullable: boolean;
  default: string | null;
}

export interface Index {
  columns: string[];
  unique: boolean;
  primary: boolean;
}

export interface ForeignKey {
  columns: string[];
  table: string;
  referenced: string[];
  onDelete: string;
  onUpdate: string;
}

/** Tables, columns, indexes and foreign keys of the `public` schema, for comparing databases. */
export async function describeDatabase(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const columns = new Map<string, Map<string, Column>>();
    const tables = await client.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
    );
    for (const { table_name } of tables.rows) columns.set(table_name, new Map());
    const columnRows = await client.query<{
      table_name: string;
      column_name: string;
      data_type: string;
      udt_name: string;
      character_maximum_length: number | null;
      datetime_precision: number | null;
      numeric_precision: number | null;
      numeric_scale: number | null;
      is_nullable: string;
      column_default: string | null;
    }>("SELECT * FROM information_schema.columns WHERE table_schema = 'public'");
    for (const row of columnRows.rows) {
      let type = row.data_type;
      if (type === "USER-DEFINED") type = `enum ${row.udt_name}`;
      else if (type.startsWith("character") && row.character_maximum_length !== null) {
        type = `${type}(${row.character_maximum_length})`;
      } else if (type.startsWith("timestamp")) type = `${type}(${row.datetime_precision})`;
      else if (type === "numeric") type = `numeric(${row.numeric_precision},${row.numeric_scale})`;
      columns.get(row.table_name)?.set(row.column_name, {
        type,
        nullable: row.is_nullable === "YES",
        default: row.column_default,
      });
    }

    const indexes = new Map<string, Map<string, Index>>();
    const indexRows = await client.query<{
      table_name: string;
      index_name: string;
      columns: string[];
      unique: boolean;
      primary: boolean;
    }>(`SELECT t.relname AS table_name, i.relname AS index_name, ix.indisunique AS unique,
               ix.indisprimary AS primary,
               array(SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY AS k(num, pos)
                       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.num
                      ORDER BY k.pos)::text[] AS columns
          FROM pg_index ix
          JOIN pg_class t ON t.oid = ix.indrelid
          JOIN pg_class i ON i.oid = ix.indexrelid
          JOIN pg_namespace n ON n.oid = t.relnamespace
         WHERE n.nspname = 'public'`);
    for (const row of indexRows.rows) {
      const byName = indexes.get(row.table_name) ?? new Map<string, Index>();
      byName.set(row.index_name, {
        columns: row.columns,
        unique: row.unique,
        primary: row.primary,
      });
      indexes.set(row.table_name, byName);
    }

    const actions: Record<string, string> = {
      a: "NoAction",
      r: "Restrict",
      c: "Cascade",
      n: "SetNull",
      d: "SetDefault",
    };
    const foreignKeys = new Map<string, Map<string, ForeignKey>>();
    const keyRows = await client.query<{
      table_name: string;
      name: string;
      columns: string[];
      referenced_table: string;
      referenced: string[];
      on_delete: string;
      on_update: string;
    }>(`SELECT t.relname AS table_name, c.conname AS name, r.relname AS referenced_table,
               c.confdeltype AS on_delete, c.confupdtype AS on_update,
               array(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY AS k(num, pos)
                       JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.num
                      ORDER BY k.pos)::text[] AS columns,
               array(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY AS k(num, pos)
                       JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.num
                      ORDER BY k.pos)::text[] AS referenced
          FROM pg_constraint c
          JOIN pg_class t ON t.oid = c.conrelid
          JOIN pg_class r ON r.oid = c.confrelid
          JOIN pg_namespace n ON n.oid = t.relnamespace
         WHERE c.contype = 'f' AND n.nspname = 'public'`);
    for (const row of keyRows.rows) {
      const byName = foreignKeys.get(row.table_name) ?? new Map<string, ForeignKey>();
      byName.set(row.name, {
        columns: row.columns,
        table: row.referenced_table,
        referenced: row.referenced,
        onDelete: actions[row.on_delete] ?? row.on_delete,
        onUpdate: actions[row.on_update] ?? row.on_update,
      });
      foreignKeys.set(row.table_name, byName);
    }
    return { columns, indexes, foreignKeys };
  } finally {
    await client.end();
  }
}
