// What `pnpm start` and `pnpm dev` take on their command line; anything else is refused, since a
// flag read wrongly (`--hostname=0.0.0.0`) left the server on loopback without a word.

export interface ServerArgs {
  /** `pnpm dev`: Next.js's development server. Never from the compiled server (`pnpm start`). */
  dev: boolean;
  /** `--hostname <host>` or `--hostname=<host>`: overrides HOST. */
  hostname: string | undefined;
}

/** Reads the arguments after the script; throws an Error whose message is the one line to print. */
export function parseServerArgs(args: readonly string[], compiled: boolean): ServerArgs {
  let dev = false;
  let hostname: string | undefined;
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? "";
    if (arg === "--dev" && !compiled) {
      dev = true;
    } else if (arg === "--hostname" || arg.startsWith("--hostname=")) {
      const value = arg === "--hostname" ? args[++i] : arg.slice("--hostname=".length);
      if (!value || value.startsWith("-")) throw new Error("--hostname needs a host, e.g. 0.0.0.0");
      if (hostname !== undefined) throw new Error("--hostname is given more than once");
      hostname = value;
    } else {
      throw new Error(
        `unknown argument ${JSON.stringify(arg)}: the server takes --hostname <host> (the port is PORT)`,
      );
    }
  }
  return { dev, hostname };
}
