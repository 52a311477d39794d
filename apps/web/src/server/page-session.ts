// Who is signed in, for a server-rendered page: the same refresh cookie the API would read for
// this request, over HTTPS only the `__Host-` one (a plain one there may be a sibling
// subdomain's), so a page never shows a session the browser's own refresh would not find.
import {
  isDatabaseUnavailable,
  isHttpsRequest,
  readSignedIn,
  type SignedInUser,
  type SignedOut,
} from "@kit/api";
import { headers } from "next/headers";
import { cache } from "react";
import { currentConnection } from "./connection";
import { getDeps } from "./runtime";

/** The signed-in user and session, or why nobody is; throws only when the database does. */
export async function pageSession(): Promise<SignedInUser | SignedOut> {
  // headers() first: it marks the page dynamic, so `next build` never reaches the database.
  const requestHeaders = await headers();
  const deps = await getDeps();
  const connection = currentConnection();
  // Outside server.ts (a bare `next start`) the scheme is unknown: either cookie, as before.
  const secure = connection
    ? isHttpsRequest({
        url: `http://${requestHeaders.get("host") ?? "localhost"}/`,
        headers: requestHeaders,
        trustProxy: deps.trustProxy,
        connection,
      })
    : null;
  return readSignedIn(deps, requestHeaders, { secure });
}

/**
 * pageSession for a page that only the signed-in see (once per request: the page's title asks
 * too): "unreachable" while the database cannot
 * say whether the session is live. Neither the sign-in page (the cookie may be fine) nor an
 * error page then, but the state a network failure shows (ServerUnreachable).
 */
export const signedInPageSession = cache(
  async (): Promise<SignedInUser | SignedOut | "unreachable"> => {
    try {
      return await pageSession();
    } catch (error) {
      if (isDatabaseUnavailable(error)) return "unreachable";
      throw error;
    }
  },
);

/**
 * The title of a page that shows its data only to the signed-in: its own, or while the database
 * is away (ServerUnreachable) one that says so, where the page's own would say that it loaded.
 */
export async function signedInPageTitle(title: string): Promise<string> {
  const signedIn = await signedInPageSession();
  return signedIn === "unreachable" ? "Can't reach the server · JWT Auth Kit" : title;
}
