// The token store contract and the in-memory store the other stores build on.

/** What the client holds: either token may be absent. */
export interface TokenSnapshot {
  access: string | null;
  refresh: string | null;
}

/**
 * Where the tokens live. `get` returns the same object until the tokens change, so a UI can
 * read it through `useSyncExternalStore` (or any subscribe/get pair) without re-rendering.
 */
export interface TokenStore {
  get(): TokenSnapshot;
  set(tokens: TokenSnapshot): void;
  clear(): void;
  /** Called after every change; returns the unsubscribe function. */
  subscribe?(listener: (tokens: TokenSnapshot) => void): () => void;
}

export const EMPTY_TOKENS: TokenSnapshot = Object.freeze({ access: null, refresh: null });

/** True when the store holds anything a session could continue with. */
export function hasTokens(tokens: TokenSnapshot): boolean {
  return tokens.access !== null || tokens.refresh !== null;
}

export function sameTokens(a: TokenSnapshot, b: TokenSnapshot): boolean {
  return a.access === b.access && a.refresh === b.refresh;
}

/** A frozen copy with empty strings read as absent: callers never share or mutate our state. */
export function normalizeTokens(tokens: TokenSnapshot): TokenSnapshot {
  const access = typeof tokens.access === "string" && tokens.access !== "" ? tokens.access : null;
  const refresh =
    typeof tokens.refresh === "string" && tokens.refresh !== "" ? tokens.refresh : null;
  return access === null && refresh === null ? EMPTY_TOKENS : Object.freeze({ access, refresh });
}

/** The listener set every store shares; a throwing listener does not stop the others. */
export function createListeners() {
  const listeners = new Set<(tokens: TokenSnapshot) => void>();
  return {
    subscribe(listener: (tokens: TokenSnapshot) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(tokens: TokenSnapshot): void {
      for (const listener of [...listeners]) {
        try {
          listener(tokens);
        } catch (error) {
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    },
    get size() {
      return listeners.size;
    },
  };
}

/**
 * Tokens in memory: gone on reload. The safest place for an access token, and the store for
 * tests and server-side code.
 *
 * @example
 * const store = createMemoryStore();
 * store.set({ access, refresh });
 */
export function createMemoryStore(initial: TokenSnapshot = EMPTY_TOKENS): Required<TokenStore> {
  let current = normalizeTokens(initial);
  const listeners = createListeners();
  return {
    get: () => current,
    set(tokens) {
      current = normalizeTokens(tokens);
      listeners.emit(current);
    },
    clear() {
      current = EMPTY_TOKENS;
      listeners.emit(current);
    },
    subscribe: listeners.subscribe,
  };
}
