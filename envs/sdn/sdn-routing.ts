import { BaseEnv } from "../core/base-env.js";
import type { TypedArray } from "../core/dtype.js";
import {
  type MaybePromise,
  mapMaybe,
  type ResetArgs,
  type ResetResult,
  type StepResult,
} from "../core/env.js";
import { Box } from "../core/spaces/box.js";
import { SdnEmbeddedBackend } from "./embedded-backend.js";
import { type MetricsOptions, networkMetrics } from "./network-model.js";
import { actionToWeights, Router } from "./routing.js";
import { SdnRyuBackend } from "./ryu-backend.js";
import type { SdnBackend } from "./sdn-backend.js";
import type { Topology } from "./topology.js";
import type { TrafficOptions } from "./traffic.js";

/** Where the network runs. */
export type SdnBackendName = "embedded" | "ryu";

/** Settings of SdnRoutingEnv (the registration builds them from the snake_case config). */
export interface SdnRoutingOptions extends MetricsOptions {
  readonly topology: Topology;
  readonly backend: SdnBackendName;
  /** Base URL of the Ryu controller's REST API (backend ryu). */
  readonly ryuUrl: string;
  /** Timeout of one REST request in seconds (backend ryu). */
  readonly ryuTimeoutS: number;
  /** Traffic of the embedded backend; its stepS is also the Ryu polling interval. */
  readonly traffic: TrafficOptions;
  /** random traffic: utilization of the busiest link under the base weights. */
  readonly intensity: number;
  /** Action ±1 multiplies or divides a link's base weight by this. */
  readonly weightRange: number;
}

/**
 * SdnRouting-v0: pick link weights of a software-defined network whose
 * switches forward on the shortest paths under those weights.
 * Observation: Box(0, 1, (links + 2,)) float32, the utilization of every link
 * then the normalized mean delay and throughput (network-model.ts). Action:
 * Box(-1, 1, (links,)) float32, w_l = base_l * weight_range^a_l, base_l =
 * (largest capacity) / capacity_l (hop count on uniform links). Never
 * terminates; the registration's TimeLimit ends episodes.
 */
export class SdnRoutingEnv extends BaseEnv<TypedArray, TypedArray> {
  readonly observationSpace: Box;
  readonly actionSpace: Box;
  readonly topology: Topology;
  readonly router: Router;
  readonly backend: SdnBackend;
  /** Weights of the current routes, one per link. */
  readonly weights: Float64Array;
  readonly baseWeights: Float64Array;

  constructor(readonly opts: SdnRoutingOptions) {
    super();
    const { topology } = opts;
    const numLinks = topology.links.length;
    this.topology = topology;
    this.observationSpace = new Box(0, 1, [numLinks + 2], "float32");
    this.actionSpace = new Box(-1, 1, [numLinks], "float32");
    const maxCap = Math.max(...topology.links.map((l) => l.capacityMbps));
    this.baseWeights = Float64Array.from(topology.links, (l) => maxCap / l.capacityMbps);
    this.weights = Float64Array.from(this.baseWeights);
    this.router = new Router(topology);
    this.router.update(this.weights);
    this.backend =
      opts.backend === "ryu"
        ? new SdnRyuBackend(topology, {
            url: opts.ryuUrl,
            timeoutMs: opts.ryuTimeoutS * 1000,
            intervalMs: opts.traffic.stepS * 1000,
          })
        : new SdnEmbeddedBackend(topology, opts.traffic, opts.intensity);
  }

  /** Restores the base weights and starts new traffic (embedded) or reinstalls the base routes (ryu). */
  reset(args: ResetArgs = {}): MaybePromise<ResetResult<TypedArray>> {
    this.seedRng(args.seed);
    this.weights.set(this.baseWeights);
    this.router.update(this.weights);
    return mapMaybe(this.backend.reset(this.npRandom, this.router), (m) => {
      const { observation, info } = networkMetrics(this.topology, m, this.weights, this.opts);
      return { observation, info };
    });
  }

  step(action: TypedArray): MaybePromise<StepResult<TypedArray>> {
    actionToWeights(action, this.baseWeights, this.opts.weightRange, this.weights);
    this.router.update(this.weights);
    return mapMaybe(this.backend.step(this.npRandom, this.router), (m) => ({
      ...networkMetrics(this.topology, m, this.weights, this.opts),
      terminated: false,
      truncated: false,
    }));
  }

  override close(): void {
    this.backend.close();
  }
}
