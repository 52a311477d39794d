// What a request line may name besides a path (RFC 9112 §3.2): the absolute form a client sends
// to a proxy (`GET http://host/path`), and OPTIONS' asterisk. Everything downstream routes on a
// path, so the server reduces the target to one first. Left alone, Next.js answered an absolute
// target with a permanent (cacheable) redirect to whatever host it named, and `OPTIONS *` with a
// 500. Node objects only, so that `pnpm start`'s server can import it without the API code.
import type { IncomingMessage, ServerResponse } from "node:http";
import { API_SECURITY_HEADERS, answerPlain } from "./security-headers";

/** What the server does with a request, decided from its target alone. */
export type TargetVerdict =
  /** Route it: its target is a path now (an absolute target rewritten to one). */
  | "route"
  /** `OPTIONS *`: a question about the server, not a resource (answered by answerTarget). */
  | "server-options"
  /** A method no Fetch `Request` can carry (TRACE…): 405 (answered by answerTarget). */
  | "unserved-method"
  /** A Host header that names no host (RFC 9112 §3.2: 400; answered by answerTarget). */
  | "bad-host"
  /** More than one Authorization line (400; answered by answerTarget). */
  | "two-authorizations"
  /** Neither: 400 (answered by answerTarget). */
  | "bad";

const ABSOLUTE = /^https?:\/\//i;

/** What the server answers, in `Allow` (RFC 9110 §10.2.1). */
const SERVED_METHODS = "GET, HEAD, POST, OPTIONS";

/**
 * Methods the Fetch standard forbids: no `Request` can be made with them, so tRPC's adapter and
 * Next.js both failed on TRACE with a 500 and a stack in the log. Nothing here serves them.
 * (Node itself answers CONNECT and methods it does not parse, such as TRACK, before any handler.)
 */
const FETCH_FORBIDDEN_METHODS = new Set(["CONNECT", "TRACE", "TRACK"]);

/**
 * Rewrites an absolute target to origin form in place: the path and query go to `req.url`, the
 * authority to the Host header, which RFC 9112 §3.2.2 says an origin server must then ignore.
 * (A client can write any Host header anyway: this gives it no more than that.)
 */
export function toOriginForm(
  req: Pick<IncomingMessage, "method" | "url" | "headers"> & { rawHeaders?: string[] },
): TargetVerdict {
  if (FETCH_FORBIDDEN_METHODS.has(req.method ?? "")) return "unserved-method";
  const target = req.url ?? "";
  // tRPC's adapter, which builds the call's URL from it, answered such a Host "Invalid URL"
  // without the API's headers; Next.js ignored it.
  if (target.startsWith("/")) {
    if (!isHost(req.headers.host)) return "bad-host";
    return repeatedLines(req.rawHeaders, true);
  }
  if (target === "*") return req.method === "OPTIONS" ? "server-options" : "bad";
  if (!ABSOLUTE.test(target)) return "bad";
  const afterScheme = target.indexOf("//") + 2;
  const authorityEnd = target.slice(afterScheme).search(/[/?#]/);
  const authority =
    authorityEnd === -1
      ? target.slice(afterScheme)
      : target.slice(afterScheme, afterScheme + authorityEnd);
  const rest = authorityEnd === -1 ? "" : target.slice(afterScheme + authorityEnd);
  // No userinfo (RFC 9110 §4.2.4 forbids it in http URIs), no fragment, and a host URL accepts.
  if (authority === "" || authority.includes("@") || rest.includes("#")) return "bad";
  if (!URL.canParse(`http://${authority}`)) return "bad";
  req.url = rest.startsWith("/") ? rest : `/${rest}`;
  req.headers.host = authority;
  return repeatedLines(req.rawHeaders, false);
}

/** The last Host that passed isHost: a server sees the same one call after call. */
let lastGoodHost: string | undefined;

// Visible ASCII without a path, query, userinfo or backslash (RFC 3986's host is ASCII), and a
// host (with an optional port) that a URL accepts. Absent is fine: Node already refuses an
// HTTP/1.1 request without one, and HTTP/1.0 may omit it. Every request asks, protected calls
// included: the checks (~0.3 µs) run once per distinct Host, not once per request.
function isHost(host: string | undefined): boolean {
  if (host === undefined || host === lastGoodHost) return true;
  const good = /^[!-~]+$/.test(host) && !/[/?#@\\]/.test(host) && URL.canParse(`http://${host}`);
  if (good) lastGoodHost = host;
  return good;
}

// Node keeps the first of several Host or Authorization lines in `headers`. Two Hosts: RFC 9112
// §3.2 refuses the request (an absolute target's authority replaced them). Two Authorizations (a
// single credential, RFC 9110 §11.6.2): a proxy that reads the last would check another caller
// than the app, which took the first. Every request pays this loop, so it counts in locals and
// lower-cases only names of those two lengths.
function repeatedLines(
  rawHeaders: string[] | undefined,
  hostCounts: boolean,
): "bad-host" | "two-authorizations" | "route" {
  if (rawHeaders === undefined) return "route";
  let hosts = 0;
  let authorizations = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    if (name.length === 4) {
      if (hostCounts && name.toLowerCase() === "host" && ++hosts > 1) return "bad-host";
    } else if (name.length === 13 && name.toLowerCase() === "authorization") {
      authorizations += 1;
    }
  }
  return authorizations > 1 ? "two-authorizations" : "route";
}

const BAD_REQUEST_TEXT = {
  "bad-host": "Bad Host header",
  "two-authorizations": "More than one Authorization header",
  bad: "Bad request target",
} as const;

/**
 * Answers what toOriginForm did not send on: `OPTIONS *` with the methods served, a method no
 * handler can take 405 with them, else 400.
 */
export function answerTarget(verdict: Exclude<TargetVerdict, "route">, res: ServerResponse): void {
  if (verdict === "server-options") {
    res.writeHead(204, { allow: SERVED_METHODS, ...API_SECURITY_HEADERS }).end();
    return;
  }
  if (verdict === "unserved-method") {
    res.setHeader("allow", SERVED_METHODS);
    answerPlain(res, 405, "Method not allowed");
    return;
  }
  answerPlain(res, 400, BAD_REQUEST_TEXT[verdict]);
}
