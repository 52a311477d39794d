// The app's login role on the embedded server: it owns the app's database and schema, nothing more.
import { databaseUrl, withClient } from "./database";

/** The role the app connects as on the embedded server (the superuser is kept for set-up). */
export const APP_ROLE = "kit_app";

// Every attribute spelled out, so that a role someone widened by hand is narrowed again.
const ATTRIBUTES = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS";

// Data folders made before the role existed hold objects the superuser created (the migrations
// ran as `postgres`). The role must own them to migrate them further (ALTER TABLE needs the
// owner). REASSIGN OWNED BY postgres is refused (the bootstrap superuser owns the system
// catalogs), so each object in `public` is handed over by kind. ALTER TABLE takes the table's
// indexes and its serial/identity sequences along; array types and a table's row type follow
// their owner by themselves.
function handOverSql(role: string): string {
  return `DO $$
DECLARE
  target oid := '${role}'::regrole;
  object record;
BEGIN
  FOR object IN
    SELECT c.oid::regclass AS name,
           CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                          WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END AS kind
      FROM pg_class c
     WHERE c.relnamespace = 'public'::regnamespace AND c.relowner <> target
       AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
  LOOP
    EXECUTE format('ALTER %s %s OWNER TO %I', object.kind, object.name, '${role}');
  END LOOP;
  -- Only sequences no table column owns are left by now.
  FOR object IN
    SELECT c.oid::regclass AS name FROM pg_class c
     WHERE c.relnamespace = 'public'::regnamespace AND c.relowner <> target AND c.relkind = 'S'
  LOOP
    EXECUTE format('ALTER SEQUENCE %s OWNER TO %I', object.name, '${role}');
  END LOOP;
  FOR object IN
    SELECT t.oid::regtype AS name, t.typtype FROM pg_type t
      LEFT JOIN pg_class c ON c.oid = t.typrelid
     WHERE t.typnamespace = 'public'::regnamespace AND t.typowner <> target
       AND t.typtype IN ('e', 'd', 'r', 'c') AND (t.typrelid = 0 OR c.relkind = 'c')
  LOOP
    EXECUTE format('ALTER %s %s OWNER TO %I',
                   CASE object.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END,
                   object.name, '${role}');
  END LOOP;
  FOR object IN
    SELECT p.oid::regprocedure AS name FROM pg_proc p
     WHERE p.pronamespace = 'public'::regnamespace AND p.proowner <> target
       AND p.prokind IN ('f', 'p')
  LOOP
    EXECUTE format('ALTER ROUTINE %s OWNER TO %I', object.name, '${role}');
  END LOOP;
END $$`;
}

/**
 * Makes `APP_ROLE` a login role with `password` that is not a superuser and cannot create
 * databases or roles, and makes it the owner of `database`, of its `public` schema and of what
 * is in that schema. Idempotent, and cheap when there is nothing to change: run at every start,
 * it also moves data folders from before the role existed onto it. `serverUrl` is a superuser's
 * URL; `database` must exist.
 *
 * @example
 * await provisionAppRole(superuserUrl, { password: appPassword, database: "kit" });
 */
export async function provisionAppRole(
  serverUrl: string,
  options: { password: string; database: string },
): Promise<void> {
  await withClient(serverUrl, async (client) => {
    const role = client.escapeIdentifier(APP_ROLE);
    const password = client.escapeLiteral(options.password);
    const found = await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [APP_ROLE]);
    // The password is set again each time: the file beside the cluster is what counts.
    const verb = found.rowCount ? "ALTER" : "CREATE";
    await client.query(`${verb} ROLE ${role} WITH ${ATTRIBUTES} PASSWORD ${password}`);
    await client.query(
      `ALTER DATABASE ${client.escapeIdentifier(options.database)} OWNER TO ${role}`,
    );
  });
  await withClient(databaseUrl(serverUrl, options.database), async (client) => {
    const role = client.escapeIdentifier(APP_ROLE);
    await client.query(`ALTER SCHEMA public OWNER TO ${role}`);
    await client.query(handOverSql(APP_ROLE));
  });
}
