// Whether a request named this machine in its Host header (and came through no proxy), as the
// browser sent it (never a forwarded host): what tells a page on `localhost` from one whose own
// name an attacker's DNS points at 127.0.0.1 (DNS rebinding), which the browser then treats as
// that page's own origin.
import { isLoopbackHost } from "../env";
import { sentThroughProxy } from "./forwarding";

/** True for a Host of `localhost`, 127.0.0.0/8 or `[::1]`, with a port or without. */
export function namesLoopback(host: string | null | undefined): boolean {
  if (!host) return false;
  let url: URL;
  try {
    url = new URL(`http://${host}/`);
  } catch {
    return false;
  }
  // A host and a port, nothing else (no user, path or query hidden in the header).
  if (url.username || url.password || url.pathname !== "/" || url.search || url.hash) return false;
  return isLoopbackHost(url.hostname);
}

/**
 * True for a request that names this machine in its Host and came through no proxy
 * (sentThroughProxy): what a browser or a command on this machine sends to a server listening
 * on loopback. A proxy that adds no forwarding header cannot be told from one (see DEMO_USER in
 * the README).
 */
export function fromThisMachine(headers: Headers): boolean {
  return namesLoopback(headers.get("host")) && !sentThroughProxy(headers);
}
