// Test helper: lists every difference between a Prisma datamodel and a live database's schema.
import internals from "@prisma/internals";
import { describeDatabase, type ForeignKey, type Index } from "./describe-database.ts";

// @prisma/internals is CommonJS: Node's ESM loader does not see its named exports.
const { getDMMF } = internals;

type Dmmf = Awaited<ReturnType<typeof getDMMF>>;
type Model = Dmmf["datamodel"]["models"][number];
type Field = Model["fields"][number];

/** Differences, one readable line each: an empty list means the database matches. */
export async function schemaDrift(datamodel: string, url: string): Promise<string[]> {
  const { datamodel: dm } = await getDMMF({ datamodel });
  const actual = await describeDatabase(url);
  const problems: string[] = [];
  const tableOf = new Map(dm.models.map((model) => [model.name, model.dbName ?? model.name]));
  const columnOf = (model: Model, fieldName: string) => {
    const field = model.fields.find((f) => f.name === fieldName);
    return field?.dbName ?? fieldName;
  };

  const expectedTables = new Set(["_prisma_migrations"]);
  for (const model of dm.models) {
    const table = model.dbName ?? model.name;
    expectedTables.add(table);
    const columns = actual.columns.get(table);
    if (!columns) {
      problems.push(`${table}: table missing (model ${model.name})`);
      continue;
    }

    const expectedColumns = new Set<string>();
    for (const field of model.fields.filter((f) => f.kind === "scalar" || f.kind === "enum")) {
      const name = field.dbName ?? field.name;
      expectedColumns.add(name);
      const column = columns.get(name);
      if (!column) {
        problems.push(`${table}.${name}: column missing (field ${model.name}.${field.name})`);
        continue;
      }
      const type = expectedType(field);
      if (column.type !== type)
        problems.push(`${table}.${name}: type ${column.type}, schema says ${type}`);
      if (column.nullable === field.isRequired) {
        problems.push(
          `${table}.${name}: ${column.nullable ? "nullable" : "NOT NULL"}, schema says the opposite`,
        );
      }
      const defaultValue = expectedDefault(field);
      if (defaultValue !== undefined && column.default !== defaultValue) {
        problems.push(`${table}.${name}: default ${column.default}, schema says ${defaultValue}`);
      }
    }
    for (const name of columns.keys()) {
      if (!expectedColumns.has(name)) problems.push(`${table}.${name}: column not in the schema`);
    }

    // Indexes by Prisma's default names (<table>_pkey, _key, _idx), which later migrations use.
    const expectedIndexes = new Map<string, Index>();
    const idFields =
      model.primaryKey?.fields ?? model.fields.filter((f) => f.isId).map((f) => f.name);
    expectedIndexes.set(model.primaryKey?.name ?? `${table}_pkey`, {
      columns: idFields.map((f) => columnOf(model, f)),
      unique: true,
      primary: true,
    });
    for (const index of dm.indexes.filter((i) => i.model === model.name && i.type !== "id")) {
      if (index.type !== "unique" && index.type !== "normal") {
        problems.push(`${table}: cannot check a ${index.type} index; extend schema-drift.ts`);
        continue;
      }
      const columnsOfIndex = index.fields.map((f) => columnOf(model, f.name));
      const suffix = index.type === "unique" ? "key" : "idx";
      expectedIndexes.set(index.dbName ?? `${table}_${columnsOfIndex.join("_")}_${suffix}`, {
        columns: columnsOfIndex,
        unique: index.type === "unique",
        primary: false,
      });
    }
    compareNamed(`${table} index`, expectedIndexes, actual.indexes.get(table), problems);

    const expectedKeys = new Map<string, ForeignKey>();
    for (const field of model.fields.filter((f) => f.relationFromFields?.length)) {
      const from = (field.relationFromFields ?? []).map((f) => columnOf(model, f));
      const target = dm.models.find((m) => m.name === field.type);
      if (!target) continue;
      const required = (field.relationFromFields ?? []).every(
        (f) => model.fields.find((g) => g.name === f)?.isRequired,
      );
      expectedKeys.set(`${table}_${from.join("_")}_fkey`, {
        columns: from,
        table: tableOf.get(field.type) ?? field.type,
        referenced: (field.relationToFields ?? []).map((f) => columnOf(target, f)),
        // Prisma's defaults: Restrict for a required relation, SetNull for an optional one.
        onDelete: field.relationOnDelete ?? (required ? "Restrict" : "SetNull"),
        onUpdate: field.relationOnUpdate ?? "Cascade",
      });
    }
    compareNamed(`${table} foreign key`, expectedKeys, actual.foreignKeys.get(table), problems);
  }
  for (const table of actual.columns.keys()) {
    if (!expectedTables.has(table)) problems.push(`${table}: table not in the schema`);
  }
  return problems;
}

function compareNamed<T>(
  what: string,
  expected: Map<string, T>,
  actual: Map<string, T> | undefined,
  problems: string[],
): void {
  for (const [name, value] of expected) {
    const found = actual?.get(name);
    if (!found) problems.push(`${what} ${name}: missing`);
    else if (JSON.stringify(found) !== JSON.stringify(value)) {
      problems.push(
        `${what} ${name}: ${JSON.stringify(found)}, schema says ${JSON.stringify(value)}`,
      );
    }
  }
  for (const name of actual?.keys() ?? []) {
    if (!expected.has(name)) problems.push(`${what} ${name}: not in the schema`);
  }
}

// Prisma type plus @db native type, written as information_schema shows it (with its length or
// precision in parentheses). A type not listed fails loudly rather than passing unchecked.
function expectedType(field: Field): string {
  const [native, args = []] = field.nativeType ?? [];
  const arg = args[0];
  if (field.isList) return `unsupported list ${field.type}[]`;
  if (field.kind === "enum") return `enum ${field.type}`;
  switch (`${field.type} ${native ?? ""}`.trim()) {
    case "String":
    case "String Text":
      return "text";
    case "String Uuid":
      return "uuid";
    case "String VarChar":
      return arg === undefined ? "character varying" : `character varying(${arg})`;
    case "String Char":
      return `character(${arg ?? 1})`;
    case "Boolean":
      return "boolean";
    case "Int":
    case "Int Integer":
      return "integer";
    case "Int SmallInt":
      return "smallint";
    case "BigInt":
      return "bigint";
    case "Float":
      return "double precision";
    case "Decimal":
      return "numeric(65,30)";
    case "Decimal Decimal":
      return `numeric(${args.join(",")})`;
    case "DateTime":
      return "timestamp without time zone(3)";
    case "DateTime Timestamp":
      return `timestamp without time zone(${arg ?? 6})`;
    case "DateTime Timestamptz":
      return `timestamp with time zone(${arg ?? 6})`;
    case "DateTime Date":
      return "date";
    case "Json":
      return "jsonb";
    case "Bytes":
      return "bytea";
    default:
      return `unsupported ${field.type} @db.${native}`;
  }
}

// The database-side default Prisma's migration would write; undefined when not checkable here.
function expectedDefault(field: Field): string | null | undefined {
  const value = field.default;
  if (value === undefined) return null;
  if (typeof value === "boolean" || typeof value === "number") return String(value);
  if (typeof value === "object" && value !== null && "name" in value) {
    if (value.name === "now") return "CURRENT_TIMESTAMP";
    // Filled in by Prisma Client, not by the database.
    if (["uuid", "cuid", "nanoid", "ulid"].includes(value.name)) return null;
  }
  return undefined;
}
