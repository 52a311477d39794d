// Floor (a): bare node:http + the HS256 check, no database, no framework: the most a Node
// process on this machine can answer auth.me with.
import { createServer } from "node:http";
import { floorEnv, floorUser, READY_LINE } from "./floor-env";
import { bearerOf, verifyFloorToken } from "./hs256";

const env = floorEnv();
const UNAUTHORIZED = JSON.stringify({ error: { message: "unauthorized", code: -32001 } });

const server = createServer((req, res) => {
  const claims = verifyFloorToken(
    bearerOf(req.headers.authorization) ?? "",
    env.secret,
    Math.floor(Date.now() / 1000),
  );
  const index = claims ? Number(claims.sub.slice(1)) : Number.NaN;
  const ok = claims !== null && index >= 0 && index < env.users;
  res.writeHead(ok ? 200 : 401, { "content-type": "application/json" });
  res.end(ok ? JSON.stringify({ result: { data: floorUser(index) } }) : UNAUTHORIZED);
});
server.listen(env.port, "127.0.0.1", () => console.log(READY_LINE));
process.once("SIGTERM", () => process.exit(0));
process.once("SIGINT", () => process.exit(0));
