// Limiter keys: a hashed account and a client bucket, so no store row or log line spells an email.
import { createHash } from "node:crypto";
import { isIP } from "node:net";

/** The one bucket shared by every request whose address the server could not tell. */
export const UNKNOWN_CLIENT = "unknown";

const sha256Hex = (text: string) => createHash("sha256").update(text).digest("hex");

/**
 * The account part of a key: sha256 of the trimmed, lower-cased email, 32 hex characters
 * (128 bits: collisions are not a concern). Normalised so `Bob@x.io ` and `bob@x.io` share limits.
 */
export function accountKey(email: string): string {
  return sha256Hex(email.trim().toLowerCase()).slice(0, 32);
}

/**
 * The client part of a key. IPv4 as it is; IPv6 reduced to its /64, because one subscriber
 * usually holds a whole /64 and hopping between its addresses costs nothing.
 * `null` (address unknown) is the shared UNKNOWN_CLIENT bucket.
 */
export function clientKey(ip: string | null): string {
  if (ip === null) return UNKNOWN_CLIENT;
  const address = ip.trim().toLowerCase().split("%")[0] ?? "";
  const mapped = address.startsWith("::ffff:") ? address.slice(7) : null;
  if (mapped !== null && isIP(mapped) === 4) return mapped;
  const family = isIP(address);
  if (family === 4) return address;
  if (family === 6) return prefix64(address);
  // Not an address (a caller bug): still a stable, bounded key rather than raw text.
  return `other-${sha256Hex(ip).slice(0, 32)}`;
}

/** `2001:db8:1:2:3::4` -> `2001:db8:1:2::/64`; input must already be a valid IPv6 address. */
function prefix64(address: string): string {
  const [head = "", tail] = address.split("::");
  // A dotted IPv4 tail is 2 groups, always in the low 64 bits, so zeros stand in for it.
  const groups = (part: string) =>
    part === ""
      ? []
      : part.split(":").flatMap((group) => (group.includes(".") ? ["0", "0"] : [group]));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const zeros = Array.from({ length: 8 - left.length - right.length }, () => "0");
  const full = [...left, ...zeros, ...right];
  return `${full
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(":")}::/64`;
}
