/**
 * The latest instance of each class on a recording's hot path, kept alive until the next
 * one is made, so that the class's hidden class (V8 map) outlives each recording.
 *
 * Why: V8 holds the maps that a class's fields lead to weakly. Once every instance of a
 * class is gone (its recording closed), a garbage collection drops them; the next
 * recording's instances get new maps, and every function optimized for the old ones is
 * deoptimized ("weak objects") and compiled again. For the npz writer that was ~25 ms of
 * TurboFan work on the helper threads per new recording of 200k transitions, the first
 * episodes running unoptimized meanwhile (`node --trace-deopt`, `--trace-opt`). The kept
 * instance is a real one (a stand-in built at load would hold fields of other
 * representations, and its map would be deprecated, not shared), so a class whose
 * instances hold large buffers releases them when it is done with them.
 */
const latest = new Map<abstract new (...args: never[]) => unknown, object>();

/** Keeps `instance` alive until the next instance of its class is kept (see the file comment). */
export function keepShape(instance: object): void {
  latest.set(instance.constructor as abstract new (...args: never[]) => unknown, instance);
}
