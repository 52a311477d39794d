// The methods the tRPC endpoint answers, alike on Node's server and in a Next.js route: GET for
// queries, POST for mutations, HEAD as GET without the body. tRPC alone answered HEAD with a bare
// 204 for any path (no check, no X-Request-Id, no log line), asked any other method for its
// content type first (a PUT without one was 415, with JSON 405), and Next.js answered OPTIONS
// itself (204) and the rest with an empty 405 lacking the Allow header RFC 9110 requires.

/**
 * What becomes of a request to the endpoint: tRPC's as it is; HEAD handed to tRPC as GET (the
 * same status and headers, the body left out); any other method handed to tRPC as JSON, so that
 * tRPC itself refuses it (405 METHOD_NOT_SUPPORTED, or 404 for no such procedure) with the
 * request id and log line of any answer, before it reads a body. OPTIONS is one of those: there
 * is no CORS, so a cross-site preflight fails as it should.
 */
export type MethodHandling = "trpc" | "as-get" | "refuse-as-json";

export function methodHandling(method: string | undefined): MethodHandling {
  if (method === "GET" || method === "POST") return "trpc";
  return method === "HEAD" ? "as-get" : "refuse-as-json";
}

/** `Allow` for a 405 of one procedure: its own methods; otherwise the endpoint's. */
export function allowedFor(type: string | undefined): string {
  if (type === "query") return "GET, HEAD";
  if (type === "mutation") return "POST";
  return "GET, HEAD, POST";
}
