import { BaseEnv } from "../core/base-env.js";
import type { TypedArray } from "../core/dtype.js";
import type { Info, ResetArgs, ResetResult, StepResult } from "../core/env.js";
import { Box } from "../core/spaces/box.js";
import { Dict, type DictSpaceValue } from "../core/spaces/dict.js";
import { Discrete } from "../core/spaces/discrete.js";
import { MultiBinary } from "../core/spaces/multi-binary.js";
import { MODULATIONS } from "./modulation.js";
import { type FailureSpec, OpticalNetwork } from "./network.js";
import type { OpticalPath, OpticalTopology } from "./topology.js";

/** Settings of OpticalRouting-v0. */
export interface OpticalRoutingOptions {
  readonly topology: OpticalTopology;
  readonly k: number;
  readonly slots: number;
  /** Offered load in Erlang (arrival rate × mean holding time). */
  readonly loadErlang: number;
  readonly meanHolding: number;
  /** Request bandwidths in Gb/s, drawn uniformly. */
  readonly bandwidths: readonly number[];
  readonly guardBand: number;
  /** Decisions per episode; the env truncates after the last one. */
  readonly requestsPerEpisode: number;
  /** Requests routed by KSP-FF at reset before the first decision, to load the network. */
  readonly warmupRequests: number;
  readonly failure: FailureSpec;
  /** Failure and repair times, measured from the first decision. */
  readonly tFail: number;
  readonly tRepair: number;
  /** "dict": the seed's state as a Dict; "flat": the same values in one float32 Box. */
  readonly observation: "dict" | "flat";
  /** Measure decision and restoration times (wall clock); otherwise they are reported as 0 so infos are deterministic. */
  readonly measureTime: boolean;
}

/** Keys of the Dict observation, in order (sorted, as Gymnasium sorts a dict's keys). */
export const OPTICAL_OBS_KEYS = [
  "action_mask",
  "dist_to_disaster_centroid",
  "dst",
  "est_remaining_time",
  "failure_mask",
  "frag_indicator",
  "is_disaster",
  "min_residual_slots",
  "path_hops",
  "slots_needed",
  "src",
] as const;

/** An observation: the Dict state, or its values flattened in key order. */
export type OpticalObservation = DictSpaceValue | TypedArray;

/** The Dict's entries concatenated in key order (Discrete entries as one element). */
export function flatten(space: Dict, d: DictSpaceValue): Float32Array {
  const out: number[] = [];
  for (const key of space.keys) {
    const v = d[key];
    if (typeof v === "number") out.push(v);
    else out.push(...(v as TypedArray as Float32Array));
  }
  return Float32Array.from(out);
}

function flatBox(space: Dict): Box {
  const low: number[] = [];
  const high: number[] = [];
  for (const s of space.spaces.values()) {
    if (s instanceof Discrete) {
      low.push(s.start);
      high.push(s.start + s.n - 1);
    } else if (s instanceof Box) {
      low.push(...s.low);
      high.push(...s.high);
    } else if (s instanceof MultiBinary) {
      for (let i = 0; i < s.size; i++) {
        low.push(0);
        high.push(1);
      }
    }
  }
  return new Box(low, high, [low.length]);
}

/** Window of a request's arrival relative to the failure. */
export type BpWindow = "pre" | "fail" | "post";

const WINDOWS: readonly BpWindow[] = ["pre", "fail", "post"];

interface Request {
  src: number;
  dst: number;
  gbps: number;
  holding: number;
  arrival: number;
}

/**
 * OpticalRouting-v0: routing and spectrum assignment in an elastic optical
 * network. Each step routes one request on one of its k shortest paths
 * (first-fit spectrum); +1 if accepted, -1 if blocked.
 */
export class OpticalRoutingEnv extends BaseEnv<OpticalObservation, number> {
  readonly observationSpace: Dict | Box;
  /** The Dict layout, also when the observation is flat. */
  readonly dictSpace: Dict;
  readonly actionSpace: Discrete;
  readonly net: OpticalNetwork;
  private readonly perPath = (low: number, high: number) => new Box(low, high, [this.opts.k]);
  /** Bound of est_remaining_time (Gymnasium warns on infinite bounds); holding times are clipped to it. */
  private readonly maxHolding: number;
  private clock = 0;
  private origin = 0;
  private failDone = false;
  private repairDone = false;
  private nextId = 1;
  private steps = 0;
  private req: Request = { src: 0, dst: 1, gbps: 0, holding: 0, arrival: 0 };
  private paths: readonly OpticalPath[] = [];
  private mask = new Int8Array(0);
  private featureMs = 0;
  private restorationMs = 0;
  private readonly arrivals = new Float64Array(3);
  private readonly blocked = new Float64Array(3);
  private restored = 0;
  private dropped = 0;

  constructor(readonly opts: OpticalRoutingOptions) {
    super();
    const nodes = opts.topology.numNodes;
    this.maxHolding = Math.fround(1e6 * opts.meanHolding);
    const slowest = Math.min(...MODULATIONS.map((m) => m.gbpsPerSlot));
    const maxSlots = Math.ceil(Math.max(...opts.bandwidths) / slowest) + opts.guardBand;
    this.net = new OpticalNetwork(opts.topology, opts.k, opts.slots, opts.guardBand, opts.failure);
    this.dictSpace = Dict.of([
      ["action_mask", new MultiBinary(opts.k)],
      ["dist_to_disaster_centroid", this.perPath(-1, nodes)],
      ["dst", new Discrete(nodes)],
      ["est_remaining_time", new Box(0, this.maxHolding, [1])],
      ["failure_mask", this.perPath(0, 1)],
      ["frag_indicator", this.perPath(0, 1)],
      ["is_disaster", new Discrete(2)],
      ["min_residual_slots", this.perPath(0, opts.slots)],
      ["path_hops", this.perPath(0, nodes - 1)],
      ["slots_needed", new Box(0, maxSlots, [1])],
      ["src", new Discrete(nodes)],
    ]);
    this.observationSpace = opts.observation === "dict" ? this.dictSpace : flatBox(this.dictSpace);
    this.actionSpace = new Discrete(opts.k);
  }

  /** Empties the network, loads it with warm-up traffic and draws the first request. */
  reset(args: ResetArgs = {}): ResetResult<OpticalObservation> {
    this.seedRng(args.seed);
    this.net.clear();
    this.clock = 0;
    this.nextId = 1;
    this.steps = 0;
    this.failDone = false;
    this.repairDone = false;
    this.restorationMs = 0;
    this.arrivals.fill(0);
    this.blocked.fill(0);
    this.restored = 0;
    this.dropped = 0;
    this.origin = Number.POSITIVE_INFINITY; // no failure events during warm-up
    for (let i = 0; i < this.opts.warmupRequests; i++) {
      this.arrive();
      const p = this.paths.find((_, j) => this.mask[j] === 1);
      if (p) this.route(p);
    }
    this.origin = this.clock;
    this.arrive();
    return { observation: this.observation(), info: { action_mask: this.maskBools() } };
  }

  /** Routes the current request on path `action` if it is feasible, then advances to the next arrival. */
  step(action: number): StepResult<OpticalObservation> {
    const t0 = performance.now();
    const mask = this.maskBools();
    const feasible = this.mask[action] === 1;
    const chosen = this.paths[action];
    let backup = false;
    if (feasible && chosen) {
      backup = this.paths.some(
        (p, j) =>
          j !== action && this.mask[j] === 1 && !p.links.some((l) => chosen.links.includes(l)),
      );
      this.route(chosen);
    }
    const decisionMs = this.opts.measureTime ? this.featureMs + (performance.now() - t0) : 0;
    const window = this.windowOf(this.req.arrival);
    const w = WINDOWS.indexOf(window);
    this.arrivals[w] = this.arrivals[w]! + 1;
    if (!feasible) this.blocked[w] = this.blocked[w]! + 1;
    this.steps++;
    const info: Info = {
      action_mask: mask,
      decision_time_ms: decisionMs,
      restoration_latency_ms: this.restorationMs,
      bp_window_tag: window,
      backup_available: backup,
      was_groomed: false,
    };
    const truncated = this.steps >= this.opts.requestsPerEpisode;
    if (truncated) Object.assign(info, this.summary());
    this.arrive();
    return {
      observation: this.observation(),
      reward: feasible ? 1 : -1,
      terminated: false,
      truncated,
      info,
    };
  }

  /** Blocking probability per window and overall, with restoration counts. */
  summary(): Info {
    const bp = (w: number) => (this.arrivals[w]! > 0 ? this.blocked[w]! / this.arrivals[w]! : 0);
    const all = this.arrivals.reduce((a, b) => a + b, 0);
    return {
      bp_pre: bp(0),
      bp_fail: bp(1),
      bp_post: bp(2),
      blocking_probability: all > 0 ? this.blocked.reduce((a, b) => a + b, 0) / all : 0,
      requests: all,
      restored_connections: this.restored,
      dropped_connections: this.dropped,
    };
  }

  private windowOf(t: number): BpWindow {
    if (this.opts.failure.type === "none" || t < this.origin + this.opts.tFail) return "pre";
    return t < this.origin + this.opts.tRepair ? "fail" : "post";
  }

  private route(p: OpticalPath): void {
    const start = this.net.firstFit(p, this.req.gbps);
    this.net.establish(
      {
        id: this.nextId++,
        src: this.req.src,
        dst: this.req.dst,
        gbps: this.req.gbps,
        departAt: this.clock + this.req.holding,
      },
      p,
      start,
    );
  }

  // Advances the clock to the next arrival, handling departures, failure and repair on the way.
  private arrive(): void {
    const rng = this.npRandom;
    const rate = this.opts.loadErlang / this.opts.meanHolding;
    const next = this.clock - Math.log(1 - rng.random()) / rate;
    for (;;) {
      const tFail = this.failDone ? Infinity : this.origin + this.opts.tFail;
      const tRepair = this.repairDone ? Infinity : this.origin + this.opts.tRepair;
      const tDep = this.net.nextDeparture();
      const t = Math.min(tFail, tRepair, tDep);
      if (t > next) break;
      this.clock = t;
      if (t === tDep) this.net.departNext();
      else if (t === tFail) {
        this.failDone = true;
        if (this.opts.failure.type !== "none") {
          const r = this.net.fail();
          this.restorationMs = this.opts.measureTime ? r.latencyMs : 0;
          this.restored += r.restored;
          this.dropped += r.dropped;
        }
      } else {
        this.repairDone = true;
        this.net.repair();
      }
    }
    this.clock = next;
    const n = this.opts.topology.numNodes;
    const src = rng.integers(0, n);
    const dst = (src + rng.integers(1, n)) % n;
    const gbps = this.opts.bandwidths[rng.integers(0, this.opts.bandwidths.length)]!;
    const holding = -Math.log(1 - rng.random()) * this.opts.meanHolding;
    this.req = { src, dst, gbps, holding, arrival: next };
    const t0 = performance.now();
    this.paths = this.net.pathsBetween(src, dst);
    const mask = new Int8Array(this.opts.k);
    this.paths.forEach((p, j) => {
      mask[j] = this.net.firstFit(p, gbps) >= 0 ? 1 : 0;
    });
    this.mask = mask;
    this.featureMs = performance.now() - t0;
  }

  private maskBools(): boolean[] {
    return Array.from(this.mask, (m) => m === 1);
  }

  private observation(): OpticalObservation {
    const d = this.dictObservation();
    return this.opts.observation === "dict" ? d : flatten(this.dictSpace, d);
  }

  private dictObservation(): DictSpaceValue {
    const k = this.opts.k;
    const hops = new Float32Array(k);
    const residual = new Float32Array(k);
    const frag = new Float32Array(k);
    const failed = new Float32Array(k);
    const dist = new Float32Array(k).fill(-1);
    const centroid = this.net.centroidHops;
    this.paths.forEach((p, j) => {
      const s = this.net.grid.pathSpectrum(p.links);
      hops[j] = p.links.length;
      residual[j] = s.minResidual;
      frag[j] = s.frag;
      failed[j] = this.net.pathFailed(p) ? 1 : 0;
      dist[j] = Math.min(...p.nodes.map((v) => centroid[v]!));
    });
    const first = this.paths[0];
    const disaster =
      this.opts.failure.type === "disaster" && this.failDone && !this.repairDone ? 1 : 0;
    return {
      action_mask: Int8Array.from(this.mask),
      dist_to_disaster_centroid: dist,
      dst: this.req.dst,
      est_remaining_time: Float32Array.of(Math.min(this.req.holding, this.maxHolding)),
      failure_mask: failed,
      frag_indicator: frag,
      is_disaster: disaster,
      min_residual_slots: residual,
      path_hops: hops,
      slots_needed: Float32Array.of(first ? this.net.slotsFor(first, this.req.gbps) : 0),
      src: this.req.src,
    };
  }
}
