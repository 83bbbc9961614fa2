import type { MaybePromise } from "../core/env.js";
import type { Rng } from "../core/rng.js";
import type { LinkMeasurement } from "./network-model.js";
import type { Router } from "./routing.js";

/**
 * Where SdnRouting-v0's network lives: the embedded model (synchronous) or a
 * real network behind a Ryu controller (asynchronous). The env owns the weights
 * and the routes; a backend applies the routes and measures one step.
 */
export interface SdnBackend {
  /** Starts an episode under `router`'s routes (the base weights) and measures. */
  reset(rng: Rng, router: Router): MaybePromise<LinkMeasurement>;
  /** Applies `router`'s routes, lets one step pass and measures. */
  step(rng: Rng, router: Router): MaybePromise<LinkMeasurement>;
  close(): void;
}
