// GET and HEAD as every API endpoint answers them: HEAD is GET without the body (tRPC's Fetch
// handler, the health check, the public keys); the read-only endpoints (health, public keys)
// refuse any other method alike on the Node and the Fetch handlers.
import { API_SECURITY_HEADERS } from "./security-headers";

export function isReadMethod(method: string | undefined): boolean {
  return method === "GET" || method === "HEAD";
}

/** What any other method gets (RFC 9110 §15.5.6: a 405 names the allowed methods). */
export const READ_ONLY_REFUSAL = {
  status: 405,
  headers: {
    ...API_SECURITY_HEADERS,
    "content-type": "application/json; charset=utf-8",
    allow: "GET, HEAD",
  },
  body: '{"error":"METHOD_NOT_ALLOWED"}',
} as const;

export function readOnlyRefusal(): Response {
  return new Response(READ_ONLY_REFUSAL.body, {
    status: READ_ONLY_REFUSAL.status,
    headers: READ_ONLY_REFUSAL.headers,
  });
}

/** A HEAD's answer from GET's: the same status and headers, whatever the runtime does with a body. */
export async function withoutBody(response: Response): Promise<Response> {
  await response.body?.cancel();
  return new Response(null, { status: response.status, headers: response.headers });
}
