// Floor (b): floor (a) plus one indexed PostgreSQL read per call (a prepared statement through
// `pg`), the least database work a revocable session can cost.
import { createServer } from "node:http";
import pg from "pg";
import { floorEnv, READY_LINE } from "./floor-env";
import { bearerOf, verifyFloorToken } from "./hs256";

const env = floorEnv();
if (!env.databaseUrl) throw new TypeError("DATABASE_URL is required for the PostgreSQL floor");
// pg's default pool size, as the app's Prisma adapter uses.
const pool = new pg.Pool({ connectionString: env.databaseUrl, max: 10 });

// The floor's own table in its own database: a session id (primary key) naming its user.
await pool.query(`
  DROP TABLE IF EXISTS floor_sessions;
  CREATE TABLE floor_sessions (id text PRIMARY KEY, user_id text NOT NULL, email text NOT NULL,
    name text NOT NULL, revoked_at timestamptz);
  INSERT INTO floor_sessions (id, user_id, email, name)
    SELECT 's' || i, 'u' || i, 'user' || i || '@floor.test', 'Floor User ' || i
    FROM generate_series(0, ${Math.max(0, env.users - 1)}) AS i;
`);

const UNAUTHORIZED = JSON.stringify({ error: { message: "unauthorized", code: -32001 } });
const sessionById = {
  name: "floor-session-by-id",
  text: "SELECT user_id, email, name FROM floor_sessions WHERE id = $1 AND revoked_at IS NULL",
};

const server = createServer((req, res) => {
  const claims = verifyFloorToken(
    bearerOf(req.headers.authorization) ?? "",
    env.secret,
    Math.floor(Date.now() / 1000),
  );
  const deny = () => {
    res.writeHead(401, { "content-type": "application/json" });
    res.end(UNAUTHORIZED);
  };
  if (!claims) return deny();
  pool
    .query<{ user_id: string; email: string; name: string }>({
      ...sessionById,
      values: [claims.sid],
    })
    .then(
      ({ rows }) => {
        const row = rows[0];
        if (!row || row.user_id !== claims.sub) return deny();
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            result: { data: { id: row.user_id, email: row.email, name: row.name } },
          }),
        );
      },
      () => {
        res.writeHead(500).end();
      },
    );
});
server.listen(env.port, "127.0.0.1", () => console.log(READY_LINE));
const stop = () => void pool.end().finally(() => process.exit(0));
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
