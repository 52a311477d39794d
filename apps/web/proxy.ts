// Runs before every page: the security headers, the per-request nonce that Next.js puts on its
// own scripts (it reads it from the request's Content-Security-Policy while rendering), and the
// removal of a refresh cookie planted on the page's path.
// Pages only: the API sets its own headers (packages/api/src/http/response-meta.ts), and its
// requests skip this file so their bodies are not buffered for it.
import { clearedPlantedPageCookies, isHttpsRequest } from "@kit/api";
import { type NextRequest, NextResponse } from "next/server";
import { currentConnection } from "./src/server/connection";
import { getDeps } from "./src/server/runtime";
import { createNonce, pageSecurityHeaders } from "./src/server/security-headers";

export async function proxy(request: NextRequest): Promise<NextResponse> {
  // This file is bundled apart from the routes, with its own copy of our modules: the runtime
  // and the connection are reached through globalThis (getDeps, currentConnection), as they are.
  const { trustProxy } = await getDeps();
  const security = pageSecurityHeaders({
    nonce: createNonce(),
    // Inlined by Next.js at build time: true only in what `pnpm dev` compiled.
    dev: process.env.NODE_ENV === "development",
    https: isHttpsRequest({
      url: request.url,
      headers: request.headers,
      trustProxy,
      connection: currentConnection(),
    }),
  });
  const policy = security.get("content-security-policy") ?? "";
  // Set, never appended: a client's own Content-Security-Policy request header must not choose
  // the nonce Next.js renders with.
  const forwarded = new Headers(request.headers);
  forwarded.set("content-security-policy", policy);
  forwarded.delete("content-security-policy-report-only");
  const response = NextResponse.next({ request: { headers: forwarded } });
  for (const [name, value] of security) response.headers.set(name, value);
  // A refresh cookie planted on this page's path (plain HTTP) beside ours: deleted with this
  // answer, so the sign-in this page sends the visitor to comes back to a page that works.
  for (const cleared of clearedPlantedPageCookies(request.headers, request.nextUrl.pathname)) {
    response.headers.append("set-cookie", cleared);
  }
  return response;
}

export const config = {
  // Every page, not the API and not the build's static files (hashed, never HTML).
  matcher: ["/((?!api/|_next/static/|_next/image/).*)"],
};
