// Where a body-mode client keeps its device marker (the `device` that auth.login and
// auth.register hand out): apart from the session's tokens, because it names the device, not a
// session, and must outlive sign-outs. Cookie mode needs none: the server keeps it in a cookie.
import { defaultStorage, type StorageLike } from "./local-storage-store";

export interface DeviceMarkerStore {
  get(): string | null;
  /** Keeps the marker from a sign-in's answer (null or empty: nothing to keep, the old stays). */
  set(marker: string | null | undefined): void;
}

export interface DeviceMarkerStoreOptions {
  /** Storage key. Default `"kit.auth.device"`. */
  key?: string;
  /** Default `globalThis.localStorage`; when it is missing or throws, the marker lives in memory. */
  storage?: StorageLike;
}

export const DEFAULT_DEVICE_KEY = "kit.auth.device";

/**
 * @example
 * const devices = createDeviceMarkerStore();
 * const result = await client.auth.login.mutate({ email, password, device: devices.get() });
 * devices.set(result.device);
 * const refresh = bodyRefresh({ url: "/api/trpc", device: devices });
 */
export function createDeviceMarkerStore(options: DeviceMarkerStoreOptions = {}): DeviceMarkerStore {
  const key = options.key ?? DEFAULT_DEVICE_KEY;
  const storage = options.storage ?? defaultStorage();
  let memory: string | null = null;
  return {
    get() {
      try {
        return storage?.getItem(key) || memory;
      } catch {
        return memory;
      }
    },
    set(marker) {
      if (!marker) return;
      memory = marker;
      try {
        storage?.setItem(key, marker);
      } catch {
        // Storage full or blocked: the marker lives in memory for this page.
      }
    },
  };
}
