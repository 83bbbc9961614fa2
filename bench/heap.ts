import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

let gc: (() => void) | undefined;

/**
 * Runs a full garbage collection, so that a timed pass starts on a settled heap and does not
 * pay for collecting what earlier passes (or the making of its own input) left behind, as
 * benchmark harnesses such as mitata do between samples. Garbage the pass makes itself is
 * still collected on its clock. Two collections: the first frees what earlier passes left on
 * helper threads after it returns (tens of thousands of episode arrays, through malloc), and
 * that sweep, contending for the allocator's lock, slowed the timed pass's first
 * milliseconds (perf: ArrayBufferSweeper, malloc_consolidate); the second finishes it first.
 */
export function collectGarbage(): void {
  if (!gc) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (typeof exposed === "function") gc = exposed;
    else {
      // Without --expose-gc: turn the flag on and take `gc` from a fresh context, which sees it.
      setFlagsFromString("--expose-gc");
      gc = runInNewContext("gc") as () => void;
    }
  }
  gc();
  gc();
}
