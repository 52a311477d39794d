// Limiter keys: a hashed account, a hashed device, and client buckets (an IPv4 address, an IPv6
// /64 and the /56 and /48 around it), so no store row or log line spells an email or an id.
import { hash } from "node:crypto";
import { isIP } from "node:net";

/** The one bucket shared by every request whose address the server could not tell. */
export const UNKNOWN_CLIENT = "unknown";

const sha256Hex = (text: string) => hash("sha256", text, "hex");

/**
 * The account part of a key: sha256 of the trimmed, lower-cased email, 32 hex characters
 * (128 bits: collisions are not a concern). Normalised so `Bob@x.io ` and `bob@x.io` share limits.
 */
export function accountKey(email: string): string {
  return sha256Hex(email.trim().toLowerCase()).slice(0, 32);
}

/** A known device's part of a key: sha256 of its id, so the store never holds the id itself. */
export function deviceKey(device: string): string {
  return sha256Hex(device).slice(0, 32);
}

/**
 * The client part of a key. IPv4 as it is (also when written as an IPv4-mapped IPv6 address);
 * IPv6 reduced to its /64, because one subscriber usually holds a whole /64 and hopping between
 * its addresses costs nothing. `null` (address unknown) is the shared UNKNOWN_CLIENT bucket.
 */
export function clientKey(ip: string | null): string {
  const client = parseClient(ip);
  switch (client.kind) {
    case "unknown":
      return UNKNOWN_CLIENT;
    case "ipv4":
      return client.address;
    case "ipv6":
      return prefixKey(client.groups, 64);
    case "other":
      // Not an address (a caller bug): still a stable, bounded key rather than raw text.
      return `other-${sha256Hex(client.text).slice(0, 32)}`;
  }
}

/** The wider IPv6 networks a client's /64 belongs to. */
export interface ClientNetworks {
  /** `2001:db8:1:200::/56`: one customer's allocation, commonly (256 /64s). */
  slash56: string;
  /** `2001:db8:1::/48`: one site's allocation, commonly (65,536 /64s). */
  slash48: string;
}

/**
 * The /56 and /48 around an IPv6 client, counted too so that rotating through the /64s of one
 * allocation hits a cap. `null` for IPv4 (mapped or not), an unknown address and non-addresses.
 *
 * @example
 * clientNetworks("2001:db8:1:2a3::9"); // { slash56: "2001:db8:1:200::/56", slash48: "2001:db8:1::/48" }
 */
export function clientNetworks(ip: string | null): ClientNetworks | null {
  const client = parseClient(ip);
  if (client.kind !== "ipv6") return null;
  return { slash56: prefixKey(client.groups, 56), slash48: prefixKey(client.groups, 48) };
}

type ParsedClient =
  | { kind: "unknown" }
  | { kind: "ipv4"; address: string }
  | { kind: "ipv6"; groups: number[] }
  | { kind: "other"; text: string };

function parseClient(ip: string | null): ParsedClient {
  if (ip === null) return { kind: "unknown" };
  // A zone id (`fe80::1%eth0`) names the interface, not the peer.
  const address = ip.trim().toLowerCase().split("%")[0] ?? "";
  const family = isIP(address);
  if (family === 4) return { kind: "ipv4", address };
  if (family !== 6) return { kind: "other", text: ip };
  const groups = sixteenBitGroups(address);
  // ::ffff:a.b.c.d in any spelling (`::ffff:cb00:7107`, `0:0:0:0:0:ffff:…`) is that IPv4 client;
  // as IPv6 every such address would share the one bucket ::/64.
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    const [high = 0, low = 0] = groups.slice(6);
    return { kind: "ipv4", address: [high >> 8, high & 0xff, low >> 8, low & 0xff].join(".") };
  }
  return { kind: "ipv6", groups };
}

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a dotted tail converted). */
function sixteenBitGroups(address: string): number[] {
  const [head = "", tail] = address.split("::");
  const groups = (part: string) =>
    part === ""
      ? []
      : part.split(":").flatMap((group) => {
          if (!group.includes(".")) return [Number.parseInt(group, 16)];
          const [a = 0, b = 0, c = 0, d = 0] = group.split(".").map(Number);
          return [(a << 8) | b, (c << 8) | d];
        });
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const zeros = Array.from({ length: 8 - left.length - right.length }, () => 0);
  return [...left, ...zeros, ...right];
}

/**
 * `2001:db8:1:2a3::9` at 64 -> `2001:db8:1:2a3::/64`, at 56 -> `2001:db8:1:200::/56`, at 48 ->
 * `2001:db8:1::/48`: the groups the prefix covers (bits past it zeroed), then `::/bits`.
 */
function prefixKey(groups: number[], bits: 48 | 56 | 64): string {
  const covered = Math.ceil(bits / 16);
  const shown = groups.slice(0, covered).map((group, index) => {
    const keep = Math.min(16, bits - index * 16);
    return ((group >> (16 - keep)) << (16 - keep)).toString(16);
  });
  return `${shown.join(":")}::/${bits}`;
}

/** A signed-in user's part of a key: sha256 of the id, as for accounts and devices. */
export function userKey(userId: string): string {
  return `user-${sha256Hex(userId).slice(0, 32)}`;
}
