// The client's address: the connection's own, or the one a known number of trusted proxies report.
import { isIP, SocketAddress } from "node:net";

export interface ClientIpInput {
  /** The TCP peer as the server saw it (`req.socket.remoteAddress`); null where unknown. */
  socketAddress: string | null | undefined;
  headers: Headers;
  /**
   * How many reverse proxies in front of this server append to X-Forwarded-For. 0: none, and no
   * header is believed. Set it only when the server cannot be reached except through them.
   */
  trustProxy: number;
}

/**
 * The address rate limits and the audit log should use, or null when it cannot be told.
 * With `trustProxy` N, the N-th X-Forwarded-For entry from the right is the one the outermost
 * trusted proxy saw connect; everything left of it was written by the client and is ignored.
 *
 * @example
 * resolveClientIp({ socketAddress: "10.0.0.2", headers, trustProxy: 1 }) // "203.0.113.7"
 * // for "X-Forwarded-For: 198.51.100.1, 203.0.113.7" (the first entry is the client's claim)
 */
export function resolveClientIp(input: ClientIpInput): string | null {
  const trustProxy = checkTrustProxy(input.trustProxy);
  const socket = normaliseIp(input.socketAddress ?? "");
  // X-Forwarded-For, X-Real-IP and Forwarded are the client's own words unless a proxy we trust wrote them.
  if (trustProxy === 0) return socket;
  // Headers.get joins repeated headers with ", ", so every X-Forwarded-For line counts.
  const header = input.headers.get("x-forwarded-for");
  if (header === null) return socket;
  const chain = header.split(",").map((entry) => entry.trim());
  // Fewer entries than trusted proxies: some hop did not append, so no entry can be trusted.
  if (chain.length < trustProxy) return socket;
  return normaliseIp(chain[chain.length - trustProxy] ?? "") ?? socket;
}

/** Returns `trustProxy` or throws TypeError: call it at start-up so a bad value fails early. */
export function checkTrustProxy(trustProxy: number): number {
  if (!Number.isSafeInteger(trustProxy) || trustProxy < 0) {
    throw new TypeError("trustProxy must be a non-negative integer");
  }
  return trustProxy;
}

/**
 * A bare, canonical address or null: brackets and a port are removed, IPv6 is written in its
 * short lower-case form, and an IPv4-mapped IPv6 address (`::ffff:1.2.3.4`) becomes IPv4, so one
 * client never counts as two.
 */
export function normaliseIp(raw: string): string | null {
  let text = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed?.[1]) text = bracketed[1];
  // One colon can only be IPv4 with a port; IPv6 has at least two.
  else if (/^[\d.]+:\d+$/.test(text)) text = text.slice(0, text.indexOf(":"));
  const family = isIP(text);
  if (family === 4) return text;
  if (family !== 6) return null;
  const canonical = new SocketAddress({ address: text, family: "ipv6" }).address;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(canonical);
  return mapped?.[1] ?? canonical;
}
