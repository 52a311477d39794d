// The device marker outlives sessions: kept in storage, never cleared by an empty answer.
import { describe, expect, it } from "vitest";
import { createDeviceMarkerStore } from "./device-marker-store";

function memoryStorage() {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => {
      items.set(key, value);
    },
    removeItem: (key: string) => {
      items.delete(key);
    },
  };
}

describe("createDeviceMarkerStore", () => {
  it("keeps a marker in storage, shared by every store on it (tabs, reloads)", () => {
    const storage = memoryStorage();
    const one = createDeviceMarkerStore({ storage });
    expect(one.get()).toBeNull();
    one.set("m1");
    expect(createDeviceMarkerStore({ storage }).get()).toBe("m1");
    expect(storage.items.get("kit.auth.device")).toBe("m1");
  });

  it("keeps the old marker when an answer carries none (cookie mode says null)", () => {
    const store = createDeviceMarkerStore({ storage: memoryStorage() });
    store.set("m1");
    store.set(null);
    store.set("");
    expect(store.get()).toBe("m1");
  });

  it("falls back to memory when storage throws", () => {
    const broken = {
      getItem: () => {
        throw new Error("blocked");
      },
      setItem: () => {
        throw new Error("blocked");
      },
      removeItem: () => {},
    };
    const store = createDeviceMarkerStore({ storage: broken });
    store.set("m1");
    expect(store.get()).toBe("m1");
  });
});
