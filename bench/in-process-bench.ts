import { createRng } from "../envs/core/rng.js";
import { createDefaultRegistry } from "../envs/default-registry.js";

/** In-process env-steps per second with no gRPC: a single wrapped CartPole and the batched one. */
export function inProcessStepRates(seconds: number): { single: number; vector1024: number } {
  const registry = createDefaultRegistry();
  const env = registry.make("CartPole-v1");
  env.reset({ seed: 0 });
  const rng = createRng(2);
  const acts = Array.from({ length: 1024 }, () => rng.integers(0, 2));
  let steps = 0;
  let start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    for (let k = 0; k < 1000; k++) {
      const r = env.step(acts[steps++ & 1023]!);
      if (!(r instanceof Promise) && (r.terminated || r.truncated)) env.reset();
    }
  }
  const single = steps / ((performance.now() - start) / 1000);

  const vec = registry.makeVec("CartPole-v1", 1024);
  vec.reset({ seed: 0 });
  const batches = Array.from({ length: 16 }, () =>
    Uint8Array.from({ length: 1024 }, () => rng.integers(0, 2)),
  );
  let iters = 0;
  start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    for (let k = 0; k < 100; k++) vec.step(batches[iters++ & 15]!);
  }
  const vector1024 = (iters * 1024) / ((performance.now() - start) / 1000);
  return { single, vector1024 };
}
