// How far V8 lets its old generation outgrow what it holds: the largest part of a busy server's
// memory (packages/bench/PERFORMANCE.md, Memory).
import v8 from "node:v8";

/** After a full GC, the old generation may grow to 1.5× what survived it before the next one. */
const HEAP_GROWING_PERCENT = 50;

const FLAG = /^--heap[-_]growing[-_]percent(=|$)/;

/**
 * Sets V8's heap growing factor to 1 + HEAP_GROWING_PERCENT / 100, unless the command line
 * (`node --heap-growing-percent=…`) chose one; returns whether it set it.
 *
 * Allocating as fast as a loaded server does, V8 picks factors up to 4 and gives the room back
 * only after a long idle: under the bench ~30–60 MB survived each full GC while the old space
 * held 100–155 MB, and the process passed 250 MB. A fixed factor is not a cap (that is
 * `--max-old-space-size`, which turns a large live heap into an out-of-memory crash): a heap
 * that holds more still gets the room, 1.5× of it; the price is more frequent full GCs, which
 * V8 marks concurrently. V8 reads the flag at every GC, so setting it at start-up is enough.
 */
export function boundHeapGrowth(execArgv: readonly string[] = process.execArgv): boolean {
  if (execArgv.some((arg) => FLAG.test(arg))) return false;
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return true;
}
