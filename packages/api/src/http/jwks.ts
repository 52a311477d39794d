// GET /.well-known/jwks.json: the public verification keys, for services that check our tokens
// themselves. A Node handler (the standalone server, `pnpm start`) and a Fetch one (Next's route).
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import type { AppDeps } from "../deps";
import { isReadMethod, READ_ONLY_REFUSAL, withoutBody } from "./read-methods";
import { API_SECURITY_HEADERS } from "./security-headers";

// Other services cache the set; five minutes bounds how long a newly added key can go unseen
// by them. So publish the next key (in AUTH_VERIFICATION_KEYS) at least that long before it signs.
const CACHE_CONTROL = "public, max-age=300";

interface JwksReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export { isJwksPath } from "../wire";

/** The reply for `method`: the set (GET, HEAD), 404 with HS256 (nothing public), else 405. */
export function jwksReply(deps: AppDeps, method: string): JwksReply {
  // The same security headers as every API answer: JSON, never sniffed, framed or run.
  const json = { ...API_SECURITY_HEADERS, "content-type": "application/json; charset=utf-8" };
  if (!isReadMethod(method)) return READ_ONLY_REFUSAL;
  const jwks = deps.tokens.jwks();
  if (!jwks) {
    // A shared secret is never published; saying so costs nothing an attacker could use.
    return {
      status: 404,
      headers: { ...json, "cache-control": "no-store" },
      body: '{"error":"NOT_FOUND"}',
    };
  }
  return {
    status: 200,
    headers: { ...json, "cache-control": CACHE_CONTROL },
    body: JSON.stringify(jwks),
  };
}

/** The JWKS on Node's request objects; route only `isJwksPath` requests to it. */
export function createJwksNodeHandler(deps: AppDeps): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    const reply = jwksReply(deps, req.method ?? "GET");
    res.writeHead(reply.status, {
      ...reply.headers,
      "content-length": Buffer.byteLength(reply.body),
    });
    res.end(req.method === "HEAD" ? undefined : reply.body);
  };
}

/** The JWKS as a Fetch handler (a Next.js route handler); `deps` resolves once the runtime is up. */
export function createJwksFetchHandler(options: { deps: () => Promise<AppDeps> }) {
  return async (request: Request): Promise<Response> => {
    const reply = jwksReply(await options.deps(), request.method);
    const response = new Response(reply.body, { status: reply.status, headers: reply.headers });
    return request.method === "HEAD" ? withoutBody(response) : response;
  };
}
