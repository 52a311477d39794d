// Where the signing secret comes from: AUTH_SECRET, or one generated once and kept in the data folder.
import { randomBytes } from "node:crypto";
import { link, lstat, mkdir, readFile, stat, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { keyMaterialForm } from "@kit/auth";
import { findWorkspaceRoot } from "@kit/db/workspace-root";
import type { PreviousSecret } from "./env";
import { formatIsoTime } from "./iso-time";

export const MIN_SECRET_BYTES = 32;

// Values copied from docs and examples; a token signed with one of them can be forged by anyone.
const WELL_KNOWN = [
  "secret",
  "changeme",
  "change-me",
  "your-secret-key",
  "supersecret",
  "replace-me-with-at-least-32-random-bytes",
  "development-secret-change-me-in-production",
];

export class SecretError extends Error {
  override readonly name = "SecretError";
  readonly code = "WEAK_SECRET";
}

function weakness(secret: string): string | null {
  if (Buffer.byteLength(secret, "utf8") < MIN_SECRET_BYTES) {
    return `AUTH_SECRET must be at least ${MIN_SECRET_BYTES} bytes (generate one with: openssl rand -base64 48)`;
  }
  const lower = secret.toLowerCase();
  if (WELL_KNOWN.some((known) => lower === known || lower.startsWith(`${known}-`))) {
    return "AUTH_SECRET is a well-known example value; generate one with: openssl rand -base64 48";
  }
  if (new Set(secret).size < 8) return "AUTH_SECRET has too little variety to be a random secret";
  return null;
}

/**
 * The one strength rule for a signing secret, AUTH_SECRET or a previous one (`name` is what the
 * messages call it): a short secret is refused everywhere (HS256 needs 32 bytes of key); a weak
 * one is refused where `refuseWeak` (production) and otherwise passed to `warn`.
 */
function checkStrength(
  secret: string,
  name: string,
  refuseWeak: boolean,
  warn: (line: string) => void,
): void {
  // Everywhere: signed with a public key, tokens could be made by anyone who has it.
  const form = keyMaterialForm(secret);
  if (form !== null) {
    throw new SecretError(
      `${name} is a key (${form}), not a secret: HS256 signs with random bytes (openssl rand -base64 48). To sign with a key pair, set AUTH_ALGORITHM (RS256, PS256 or ES256) and AUTH_SIGNING_KEY`,
    );
  }
  const problem = weakness(secret)?.replace("AUTH_SECRET", name);
  if (problem === undefined) return;
  if (refuseWeak || Buffer.byteLength(secret, "utf8") < MIN_SECRET_BYTES) {
    throw new SecretError(problem);
  }
  warn(problem);
}

const MISSING_SECRET =
  "AUTH_SECRET is not set: a production server on its own database (DATABASE_URL) needs a signing secret, the same on every instance (a generated one is per host: instances would refuse each other's tokens, and a fresh container would sign everyone out). Set AUTH_SECRET (openssl rand -base64 48), or add what `pnpm --silent auth keys generate` prints";

/**
 * Whether a signing secret must be configured rather than generated: in production on a
 * database of the deployment's own. Only the embedded database (one host, its data folder
 * kept) may generate one. Auth.js and better-auth refuse to start without one in production too.
 */
export function secretRequired(settings: { production: boolean; databaseUrl?: string }): boolean {
  return settings.production && settings.databaseUrl !== undefined;
}

/** Where a server without AUTH_SECRET keeps the secret it generated. */
export const generatedSecretPath = (dataDir: string) => path.join(dataDir, "auth-secret");

export interface ResolveSecretOptions {
  secret: string | undefined;
  /** The variable `secret` came from, as messages name it; default AUTH_SECRET. */
  name?: "AUTH_SECRET" | "AUTH_SIGNING_KEY";
  /**
   * Refuse to generate one (see secretRequired): the server is a deployment, where a secret of
   * each host's own would sign everyone out at each fresh container and split instances.
   */
  required?: boolean;
  dataDir: string;
  production: boolean;
  warn: (line: string) => void;
}

/**
 * Returns the secret to sign tokens with. A weak AUTH_SECRET is refused in production and
 * warned about elsewhere (a short one is always refused: HS256 needs 32 bytes of key).
 */
export async function resolveAuthSecret(options: ResolveSecretOptions): Promise<string> {
  const { secret, dataDir, production, warn } = options;
  if (secret !== undefined) {
    checkStrength(secret, options.name ?? "AUTH_SECRET", production, warn);
    return secret;
  }
  if (options.required) throw new SecretError(MISSING_SECRET);
  const file = generatedSecretPath(dataDir);
  warn(
    `AUTH_SECRET is not set: using a generated secret kept in ${shownPath(file)}. Set AUTH_SECRET for production and for more than one instance.`,
  );
  await mkdir(dataDir, { recursive: true, mode: 0o755 });
  // Written aside then linked into place: link() fails if the file exists, so two processes
  // starting together agree on one secret and neither reads a half-written file.
  const draft = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  await writeFile(draft, randomBytes(48).toString("base64url"), { mode: 0o600 });
  try {
    await link(draft, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    await unlink(draft);
  }
  const exposed = await secretFileProblem(file);
  if (exposed) throw new SecretError(exposed);
  const stored = (await readFile(file, "utf8")).trim();
  if (Buffer.byteLength(stored, "utf8") < MIN_SECRET_BYTES) {
    throw new SecretError(`${file} holds a secret shorter than ${MIN_SECRET_BYTES} bytes`);
  }
  return stored;
}

/**
 * Why the generated secret in `file` must not be used, or null (also when there is none yet).
 * Whoever else on the host can read it can sign tokens; whoever owns it, or can write it or the
 * folder it is in (every user: not the group), can choose it (a file placed there before the
 * first start is taken as the secret). The rule OpenSSH applies to private keys. Not on
 * Windows, whose modes say nothing.
 */
export async function secretFileProblem(file: string): Promise<string | null> {
  if (process.platform === "win32") return null;
  let own: Awaited<ReturnType<typeof lstat>>;
  try {
    own = await lstat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  const shown = shownPath(file);
  if (!own.isFile()) {
    return `${shown} is not a regular file (a link?): remove it, and a new secret is generated (everyone signs in again)`;
  }
  // Another user's file was put there by them, and they know what is in it (OpenSSH refuses a
  // key of "bad ownership" too). A server running as root would otherwise take it.
  const uid = process.getuid?.();
  if (uid !== undefined && own.uid !== uid) {
    return `${shown} belongs to another user (uid ${own.uid}, this server runs as ${uid}): whoever put it there could sign tokens. Remove it to generate a new secret (everyone signs in again), or give it to this user (chown)`;
  }
  if ((own.mode & 0o077) !== 0) {
    return `${shown} can be read or written by other users (mode ${modeOf(own.mode)}): anyone on this host could sign tokens. Restrict it (chmod 600 ${shown}), or remove it to generate a new secret (everyone signs in again)`;
  }
  const folder = await stat(path.dirname(file));
  const shownFolder = shownPath(path.dirname(file));
  if (uid !== undefined && folder.uid !== uid && folder.uid !== 0) {
    return `${shownFolder} belongs to another user (uid ${folder.uid}, this server runs as ${uid}): they could replace the signing secret in it. Give it to this user (chown) or use another DATA_DIR`;
  }
  const sticky = (folder.mode & 0o1000) !== 0;
  // Writable by its group is left alone: with umask 002 (a user's own group, as Ubuntu gives
  // each user) every folder is, and the group is the user.
  if ((folder.mode & 0o002) !== 0 && !sticky) {
    return `${shownFolder} can be written by every user (mode ${modeOf(folder.mode)}): anyone on this host could replace the signing secret in it. Restrict it (chmod o-w ${shownFolder})`;
  }
  return null;
}

const modeOf = (mode: number) => (mode & 0o7777).toString(8).padStart(3, "0");

export interface CheckPreviousOptions {
  production: boolean;
  warn: (line: string) => void;
  /** The clock at start-up, ms since the epoch. */
  now: number;
  /** The longest a token lives (seconds): how far off a retirement time to recommend. */
  longestTokenSeconds: number;
}

/**
 * Checks the secrets rotated out (AUTH_SECRET_PREVIOUS) by the rules AUTH_SECRET follows: a short
 * one is refused everywhere, a weak one in production. They only verify, never sign. Warns about
 * one without a retirement time (it would verify forever) and one whose time has passed (it
 * verifies nothing any more: remove it).
 */
export function checkPreviousSecrets(
  secrets: readonly PreviousSecret[],
  options: CheckPreviousOptions,
): PreviousSecret[] {
  return secrets.map((previous, index) => {
    const name = `AUTH_SECRET_PREVIOUS entry ${index + 1}`;
    checkStrength(previous.secret, name, options.production, options.warn);
    if (previous.retiresAt === undefined) {
      options.warn(
        `${name} has no retirement time: tokens it signed verify for as long as it is listed. Append one, e.g. <secret>@${formatIsoTime(recommendedRetirement(options))} (every token it signed has expired by then).`,
      );
    } else if (previous.retiresAt <= options.now) {
      options.warn(
        `${name} retired at ${formatIsoTime(previous.retiresAt)}: tokens it signed are refused; remove it.`,
      );
    }
    return previous;
  });
}

// It stopped signing at the latest now, so after the longest lifetime from now nothing it
// signed is still valid. Rounded up to the hour, for a time that reads well in a config file.
function recommendedRetirement({ now, longestTokenSeconds }: CheckPreviousOptions): number {
  const hour = 3600_000;
  return Math.ceil((now + longestTokenSeconds * 1000) / hour) * hour;
}

/**
 * A file as the operator finds it: from the project's root when it lies inside (`pnpm start`
 * runs in apps/web, where `../../.data/auth-secret` puzzled), else its full path.
 */
export function shownPath(file: string): string {
  let root: string;
  try {
    root = findWorkspaceRoot();
  } catch {
    return file;
  }
  const relative = path.relative(root, file);
  return relative === "" || relative.startsWith("..") || path.isAbsolute(relative)
    ? file
    : relative;
}
