// One stop request arrives as several signals; a later one is an operator who will not wait.
import { afterEach, describe, expect, it, vi } from "vitest";
import { onStopSignals, SAME_REQUEST_MS } from "./stop-signals";

let remove: (() => void) | null = null;
afterEach(() => {
  remove?.();
  remove = null;
  vi.restoreAllMocks();
});

function install() {
  let now = 1_000_000;
  const shutdowns: string[] = [];
  const exits: (number | undefined)[] = [];
  // The process must not really exit here: record the code instead.
  vi.spyOn(process, "exit").mockImplementation(((code?: number) => {
    exits.push(code);
  }) as typeof process.exit);
  remove = onStopSignals(
    (signal) => shutdowns.push(signal),
    () => now,
  );
  const signal = (name: NodeJS.Signals, afterMs: number) => {
    now += afterMs;
    process.emit(name, name);
  };
  return { shutdowns, exits, signal };
}

describe("onStopSignals", () => {
  it("shuts down once for the copies of one Ctrl-C (the terminal's, pnpm's, the primary's)", () => {
    const { shutdowns, exits, signal } = install();
    signal("SIGINT", 0);
    signal("SIGINT", 3);
    signal("SIGTERM", 40);
    signal("SIGINT", SAME_REQUEST_MS - 44);
    expect(shutdowns).toEqual(["SIGINT"]);
    expect(exits).toEqual([]);
  });

  it("ends the process at once, 128 + the signal's number, when asked again later", () => {
    const { shutdowns, exits, signal } = install();
    signal("SIGTERM", 0);
    signal("SIGTERM", SAME_REQUEST_MS);
    signal("SIGINT", 5_000);
    expect(shutdowns).toEqual(["SIGTERM"]);
    expect(exits).toEqual([143, 130]);
  });

  it("leaves the process's signals as they were once removed", () => {
    const count = () => [process.listenerCount("SIGINT"), process.listenerCount("SIGTERM")];
    const before = count();
    const stop = onStopSignals(() => undefined);
    expect(count()).toEqual(before.map((n) => n + 1));
    stop();
    expect(count()).toEqual(before);
  });
});
