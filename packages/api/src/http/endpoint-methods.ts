// The methods the tRPC endpoint answers, alike on Node's server and in a Next.js route. tRPC
// serves GET (queries), POST (mutations) and HEAD (a bare 204). Of any other method it first
// asked the content type: a PUT without one was 415, with JSON 405, while Next.js answered
// OPTIONS itself (204) and the rest with an empty 405 lacking the Allow header RFC 9110 requires.

/** Every method the endpoint answers, for `Allow`. */
export const ENDPOINT_METHODS = "GET, HEAD, POST, OPTIONS";

/**
 * What becomes of a request to the endpoint: tRPC's as it is; OPTIONS answered here (204 with
 * Allow: no CORS, so a cross-site preflight still fails); any other method handed to tRPC as
 * JSON, so that tRPC itself refuses it (405 METHOD_NOT_SUPPORTED, the procedure named, the
 * request id and log line of any answer) before it reads a body.
 */
export type MethodHandling = "trpc" | "options" | "refuse-as-json";

export function methodHandling(method: string | undefined): MethodHandling {
  if (method === "GET" || method === "POST" || method === "HEAD") return "trpc";
  return method === "OPTIONS" ? "options" : "refuse-as-json";
}

/** `Allow` for a 405 of one procedure: its own methods; otherwise the endpoint's. */
export function allowedFor(type: string | undefined): string {
  if (type === "query") return "GET, HEAD, OPTIONS";
  if (type === "mutation") return "POST, OPTIONS";
  return ENDPOINT_METHODS;
}
