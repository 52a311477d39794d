// Next.js takes a POST with a `Next-Action` header, or any multipart form POSTed to a page, for
// a server action call, and answers one it cannot find by logging a stack trace at error level:
// anyone could fill the log (and page whoever watches it) with a few bytes per request. This app
// has no server actions (its API is tRPC), so while the build has none, the server answers such
// a call itself, quietly. A build with actions hands every call to Next.js, as before.
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { answerPlain } from "@kit/api/security-headers";

/**
 * Whether the production build in `appDir` has server actions, from the manifest `next build`
 * writes. Anything unexpected (no manifest, another shape) counts as yes: Next.js decides.
 */
export function buildHasServerActions(appDir: string): boolean {
  try {
    const file = path.join(appDir, ".next", "server", "server-reference-manifest.json");
    const manifest: unknown = JSON.parse(readFileSync(file, "utf8"));
    if (typeof manifest !== "object" || manifest === null) return true;
    const { node, edge } = manifest as Record<string, unknown>;
    const isEmpty = (entries: unknown) =>
      typeof entries === "object" && entries !== null && Object.keys(entries).length === 0;
    return !(isEmpty(node) && isEmpty(edge));
  } catch {
    return true;
  }
}

/** A request Next.js would treat as a server action call. */
export function isServerActionCall(req: Pick<IncomingMessage, "method" | "headers">): boolean {
  if (req.headers["next-action"] !== undefined) return true;
  const type = req.headers["content-type"]?.split(";", 1)[0]?.trim().toLowerCase();
  return req.method === "POST" && type === "multipart/form-data";
}

/** 404: there is no such action. The body is not read; the connection closes after. */
export function refuseServerActionCall(res: ServerResponse): void {
  answerPlain(res, 404, "No server action here");
}
