// The three stores: memory, Web Storage (reloads, corrupt data, no storage) and cookie mode.
import { describe, expect, it, vi } from "vitest";
import { createCookieModeStore } from "./cookie-mode-store";
import {
  createLocalStorageStore,
  DEFAULT_STORAGE_KEY,
  type StorageLike,
} from "./local-storage-store";
import { createMemoryStore } from "./token-store";

const PAIR = { access: "a.a.a", refresh: "r.r.r" };
const EMPTY = { access: null, refresh: null };

function memoryStorage(): StorageLike & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => {
      data.set(key, value);
    },
    removeItem: (key) => {
      data.delete(key);
    },
  };
}

describe("createMemoryStore", () => {
  it("sets, gets, clears and notifies", () => {
    const store = createMemoryStore();
    const seen = vi.fn();
    const unsubscribe = store.subscribe(seen);
    expect(store.get()).toEqual(EMPTY);
    store.set(PAIR);
    expect(store.get()).toEqual(PAIR);
    store.clear();
    unsubscribe();
    store.set(PAIR);
    expect(seen.mock.calls).toEqual([[PAIR], [EMPTY]]);
  });

  it("returns the same snapshot until it changes, and a copy of what was set", () => {
    const store = createMemoryStore();
    const input = { ...PAIR };
    store.set(input);
    input.access = "changed";
    expect(store.get()).toBe(store.get());
    expect(store.get().access).toBe(PAIR.access);
  });
});

describe("createLocalStorageStore", () => {
  it("survives a reload: a new store over the same storage reads the tokens", () => {
    const storage = memoryStorage();
    createLocalStorageStore({ storage }).set(PAIR);
    expect(createLocalStorageStore({ storage }).get()).toEqual(PAIR);
    expect(JSON.parse(storage.data.get(DEFAULT_STORAGE_KEY) ?? "")).toEqual(PAIR);
  });

  it("uses the key given and removes it on clear", () => {
    const storage = memoryStorage();
    const store = createLocalStorageStore({ storage, key: "app.tokens" });
    store.set(PAIR);
    expect(storage.data.has("app.tokens")).toBe(true);
    store.clear();
    expect(storage.data.has("app.tokens")).toBe(false);
    expect(store.get()).toEqual(EMPTY);
  });

  it("sees another tab's write at once, with a stable snapshot in between", () => {
    const storage = memoryStorage();
    const store = createLocalStorageStore({ storage });
    store.set(PAIR);
    const first = store.get();
    expect(store.get()).toBe(first);
    storage.setItem(DEFAULT_STORAGE_KEY, JSON.stringify({ access: "x.x.x", refresh: "y.y.y" }));
    expect(store.get()).toEqual({ access: "x.x.x", refresh: "y.y.y" });
  });

  it.each([
    ["corrupt JSON", "{not json"],
    ["JSON of the wrong shape", JSON.stringify(["a", "b"])],
    ["a number", "42"],
  ])("reads %s as signed out", (_, raw) => {
    const storage = memoryStorage();
    storage.setItem(DEFAULT_STORAGE_KEY, raw);
    expect(createLocalStorageStore({ storage }).get()).toEqual(EMPTY);
  });

  it("drops fields of the wrong type", () => {
    const storage = memoryStorage();
    storage.setItem(DEFAULT_STORAGE_KEY, JSON.stringify({ access: 1, refresh: "r.r.r" }));
    expect(createLocalStorageStore({ storage }).get()).toEqual({ access: null, refresh: "r.r.r" });
  });

  it("works in memory when there is no localStorage (Node, a locked-down browser)", () => {
    expect(globalThis.localStorage).toBeUndefined();
    const store = createLocalStorageStore();
    store.set(PAIR);
    expect(store.get()).toEqual(PAIR);
  });

  it("falls back to memory when storage throws on every access", () => {
    const denied = () => {
      throw new DOMException("denied", "SecurityError");
    };
    const store = createLocalStorageStore({
      storage: { getItem: denied, setItem: denied, removeItem: denied },
    });
    expect(store.get()).toEqual(EMPTY);
    store.set(PAIR);
    expect(store.get()).toEqual(PAIR);
    store.clear();
    expect(store.get()).toEqual(EMPTY);
  });

  it("falls back to memory when a write fails (quota), leaving no stale pair behind", () => {
    const storage = memoryStorage();
    storage.setItem(
      DEFAULT_STORAGE_KEY,
      JSON.stringify({ access: "old.old.old", refresh: "o.o.o" }),
    );
    const store = createLocalStorageStore({
      storage: {
        ...storage,
        setItem: () => {
          throw new DOMException("full", "QuotaExceededError");
        },
      },
    });
    store.set(PAIR);
    expect(store.get()).toEqual(PAIR);
    expect(storage.data.has(DEFAULT_STORAGE_KEY)).toBe(false);
  });

  it("reports other tabs' writes through the storage event", () => {
    const storage = memoryStorage();
    const target = new EventTarget();
    vi.stubGlobal("addEventListener", target.addEventListener.bind(target));
    vi.stubGlobal("removeEventListener", target.removeEventListener.bind(target));
    try {
      const store = createLocalStorageStore({ storage });
      const seen = vi.fn();
      const unsubscribe = store.subscribe(seen);
      storage.setItem(DEFAULT_STORAGE_KEY, JSON.stringify(PAIR));
      const event = Object.assign(new Event("storage"), {
        key: DEFAULT_STORAGE_KEY,
        storageArea: storage,
      });
      target.dispatchEvent(event);
      expect(seen).toHaveBeenCalledWith(PAIR);
      unsubscribe();
      target.dispatchEvent(event);
      expect(seen).toHaveBeenCalledTimes(1);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe("createCookieModeStore", () => {
  it("keeps only the access token: refresh is always null", () => {
    const store = createCookieModeStore();
    store.set(PAIR);
    expect(store.get()).toEqual({ access: PAIR.access, refresh: null });
    store.clear();
    expect(store.get()).toEqual(EMPTY);
  });
});
