// Tokens in Web Storage (localStorage by default): they survive reloads and are shared by tabs.
import {
  createListeners,
  EMPTY_TOKENS,
  normalizeTokens,
  type TokenSnapshot,
  type TokenStore,
} from "./token-store";

/** The part of the Web Storage API the store uses; inject one in tests. */
export type StorageLike = Pick<Storage, "getItem" | "setItem" | "removeItem">;

export interface LocalStorageStoreOptions {
  /** Storage key. Default `"kit.auth.tokens"`. */
  key?: string;
  /** Default `globalThis.localStorage`; when it is missing or throws, the store keeps tokens in memory. */
  storage?: StorageLike;
}

export const DEFAULT_STORAGE_KEY = "kit.auth.tokens";

/** `localStorage` where there is one; reading it throws in some browsers (cookies blocked, sandboxed frames). */
export function defaultStorage(): StorageLike | undefined {
  try {
    return globalThis.localStorage ?? undefined;
  } catch {
    return undefined;
  }
}

function parse(raw: string | null): TokenSnapshot {
  if (raw === null) return EMPTY_TOKENS;
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value !== "object" || value === null) return EMPTY_TOKENS;
    const { access, refresh } = value as Record<string, unknown>;
    return normalizeTokens({
      access: typeof access === "string" ? access : null,
      refresh: typeof refresh === "string" ? refresh : null,
    });
  } catch {
    // Corrupt JSON (an old format, a hand edit) reads as signed out rather than breaking the app.
    return EMPTY_TOKENS;
  }
}

/**
 * Keeps the tokens in Web Storage so a reload stays signed in. Storage is read on every `get`
 * (cached by its raw text), so another tab's refresh is seen at once; `subscribe` also reports
 * other tabs' writes through the `storage` event. If storage is unavailable or a write fails
 * (quota, private mode), the store falls back to memory for the rest of the page's life.
 *
 * Anything in localStorage is readable by any script on the origin: prefer cookie mode
 * (`createCookieModeStore`) where XSS is a concern.
 *
 * @example
 * const store = createLocalStorageStore({ key: "my-app.tokens" });
 */
export function createLocalStorageStore(
  options: LocalStorageStoreOptions = {},
): Required<TokenStore> {
  const key = options.key ?? DEFAULT_STORAGE_KEY;
  let storage = options.storage ?? defaultStorage();
  let memory = EMPTY_TOKENS;
  let cachedRaw: string | null | undefined;
  let cached = EMPTY_TOKENS;
  const listeners = createListeners();

  const get = (): TokenSnapshot => {
    if (!storage) return memory;
    let raw: string | null;
    try {
      raw = storage.getItem(key);
    } catch {
      storage = undefined;
      return memory;
    }
    if (raw !== cachedRaw) {
      cachedRaw = raw;
      cached = parse(raw);
    }
    return cached;
  };

  const write = (tokens: TokenSnapshot): void => {
    memory = tokens;
    if (!storage) return;
    try {
      if (tokens === EMPTY_TOKENS) storage.removeItem(key);
      else storage.setItem(key, JSON.stringify(tokens));
    } catch {
      // Leave no stale pair behind, then live in memory.
      try {
        storage.removeItem(key);
      } catch {}
      storage = undefined;
    }
  };

  // Other tabs' writes arrive as `storage` events; listen only while someone is subscribed.
  const onStorage = (event: StorageEvent) => {
    if (event.key !== key && event.key !== null) return;
    if (event.storageArea !== null && event.storageArea !== storage) return;
    listeners.emit(get());
  };

  return {
    get,
    set(tokens) {
      write(normalizeTokens(tokens));
      listeners.emit(get());
    },
    clear() {
      write(EMPTY_TOKENS);
      listeners.emit(get());
    },
    subscribe(listener) {
      if (listeners.size === 0) globalThis.addEventListener?.("storage", onStorage);
      const unsubscribe = listeners.subscribe(listener);
      return () => {
        unsubscribe();
        if (listeners.size === 0) globalThis.removeEventListener?.("storage", onStorage);
      };
    },
  };
}
