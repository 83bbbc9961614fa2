import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

let gc: (() => void) | undefined;

/**
 * Runs a full garbage collection, so that a timed pass starts on a settled heap and does not
 * pay for collecting what earlier passes (or the making of its own input) left behind, as
 * benchmark harnesses such as mitata do between samples. Garbage the pass makes itself is
 * still collected on its clock.
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
}
