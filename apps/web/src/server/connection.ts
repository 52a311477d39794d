// The connection a request arrived on, as our own HTTP server saw it (server.ts). Next.js route
// handlers get a Request with headers only; any header naming the client's address could have
// been written by the client, so the address travels in AsyncLocalStorage instead.
import { AsyncLocalStorage } from "node:async_hooks";
import type { ConnectionInfo } from "@kit/api";

// server.ts and the bundled route code load this file as separate module instances: the one
// store lives on globalThis so both see it.
const KEY = Symbol.for("kit.web.connection");
type Holder = { [KEY]?: AsyncLocalStorage<ConnectionInfo> };

export function connectionStorage(): AsyncLocalStorage<ConnectionInfo> {
  const holder = globalThis as Holder;
  holder[KEY] ??= new AsyncLocalStorage<ConnectionInfo>();
  return holder[KEY];
}

/** True when a server in front of Next.js (server.ts) hands each request's address over. */
export function connectionStorageInstalled(): boolean {
  return (globalThis as Holder)[KEY] !== undefined;
}

/** The current request's connection; null outside server.ts (e.g. a bare `next start`). */
export function currentConnection(): ConnectionInfo | null {
  return (globalThis as Holder)[KEY]?.getStore() ?? null;
}
