import { BaseEnv } from "../core/base-env.js";
import type { TypedArray } from "../core/dtype.js";
import type { Info, ResetArgs, ResetResult, StepResult } from "../core/env.js";
import type { Box } from "../core/spaces/box.js";
import type { Dict, DictSpaceValue } from "../core/spaces/dict.js";
import { Discrete } from "../core/spaces/discrete.js";
import { MODULATIONS } from "./modulation.js";
import { type FailureSpec, OpticalNetwork } from "./network.js";
import {
  dictObservation,
  flatObservation,
  OpticalFeatures,
  opticalDictSpace,
  opticalFlatSpace,
} from "./optical-observation.js";
import type { OpticalTopology } from "./topology.js";

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

/** An observation: the Dict state, or its values in the flat layout. */
export type OpticalObservation = DictSpaceValue | TypedArray;

/** Window of a request's arrival relative to the failure. */
export type BpWindow = "pre" | "fail" | "post";

const WINDOWS: readonly BpWindow[] = ["pre", "fail", "post"];

/** The request being decided (one object per env, overwritten at every arrival). */
interface Request {
  src: number;
  dst: number;
  /** Index into the bandwidths. */
  bw: number;
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
  /** Bound of est_remaining_time (Gymnasium warns on infinite bounds); holding times are clipped to it. */
  private readonly maxHolding: number;
  private readonly features: OpticalFeatures;
  private clock = 0;
  private origin = 0;
  private failDone = false;
  private repairDone = false;
  private nextId = 1;
  private steps = 0;
  private readonly req: Request = { src: 0, dst: 1, bw: 0, gbps: 0, holding: 0, arrival: 0 };
  /** Global index of the current request's path 0 (see PathTable), and its number of paths. */
  private firstPath = 0;
  private pathCount = 0;
  /** Feasible paths of the current request as bits, and their first-fit start slots. */
  private maskBits = 0;
  private readonly starts: Int32Array;
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
    this.net = new OpticalNetwork(
      opts.topology,
      opts.k,
      opts.slots,
      opts.guardBand,
      opts.failure,
      opts.bandwidths,
    );
    const shape = { k: opts.k, nodes, slots: opts.slots, maxSlots, maxHolding: this.maxHolding };
    this.dictSpace = opticalDictSpace(shape);
    this.observationSpace = opts.observation === "dict" ? this.dictSpace : opticalFlatSpace(shape);
    this.actionSpace = new Discrete(opts.k);
    this.features = new OpticalFeatures(opts.k);
    this.starts = new Int32Array(opts.k);
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
      const j = this.arrive(false);
      if (j >= 0) this.route(j);
    }
    this.origin = this.clock;
    this.arrive(true);
    return { observation: this.observation(), info: { action_mask: this.maskBools() } };
  }

  /** Routes the current request on path `action` if it is feasible, then advances to the next arrival. */
  step(action: number): StepResult<OpticalObservation> {
    const measure = this.opts.measureTime;
    const t0 = measure ? performance.now() : 0;
    const mask = this.maskBools();
    const feasible = ((this.maskBits >>> action) & 1) === 1;
    let backup = false;
    if (feasible) {
      const others = this.maskBits & ~(1 << action);
      backup = (this.net.table.disjoint[this.firstPath + action]! & others) !== 0;
      this.route(action);
    }
    const decisionMs = measure ? this.featureMs + (performance.now() - t0) : 0;
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
    this.arrive(true);
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

  // Sets the current request up on its path j at the first-fit start found on arrival.
  private route(j: number): void {
    const r = this.req;
    const g = this.firstPath + j;
    this.net.establish(
      this.nextId++,
      r.src,
      r.dst,
      r.bw,
      g,
      this.starts[j]!,
      this.clock + r.holding,
    );
  }

  /**
   * Advances the clock to the next arrival (departures, failure and repair on
   * the way) and draws the request. For a decision it computes the mask and
   * every path's features and returns -1; in warm-up (`decide` false) it only
   * looks for the first feasible path and returns its index (-1: blocked).
   */
  private arrive(decide: boolean): number {
    const rng = this.npRandom;
    const o = this.opts;
    const net = this.net;
    const rate = o.loadErlang / o.meanHolding;
    const next = this.clock - Math.log(1 - rng.random()) / rate;
    for (;;) {
      const tFail = this.failDone ? Infinity : this.origin + o.tFail;
      const tRepair = this.repairDone ? Infinity : this.origin + o.tRepair;
      const tDep = net.nextDeparture();
      const t = Math.min(tFail, tRepair, tDep);
      if (t > next) break;
      this.clock = t;
      if (t === tDep) net.departNext();
      else if (t === tFail) this.failNow();
      else {
        this.repairDone = true;
        net.repair();
      }
    }
    this.clock = next;
    const n = o.topology.numNodes;
    const r = this.req;
    r.src = rng.integers(0, n);
    r.dst = (r.src + rng.integers(1, n)) % n;
    r.bw = rng.integers(0, o.bandwidths.length);
    r.gbps = o.bandwidths[r.bw]!;
    r.holding = -Math.log(1 - rng.random()) * o.meanHolding;
    r.arrival = next;
    const pair = r.src * n + r.dst;
    this.firstPath = pair * o.k;
    this.pathCount = net.table.count[pair]!;
    if (!decide) {
      for (let j = 0; j < this.pathCount; j++) {
        const start = net.firstFitOn(this.firstPath + j, r.bw);
        if (start >= 0) {
          this.starts[j] = start;
          return j;
        }
      }
      return -1;
    }
    const t0 = o.measureTime ? performance.now() : 0;
    this.survey();
    if (o.measureTime) this.featureMs = performance.now() - t0;
    return -1;
  }

  // Mask, first-fit starts and per-path features of the current request.
  private survey(): void {
    const f = this.features;
    const net = this.net;
    const grid = net.grid;
    const r = this.req;
    let bits = 0;
    for (let j = 0; j < this.opts.k; j++) {
      if (j >= this.pathCount) {
        f.mask[j] = 0;
        f.hops[j] = 0;
        f.residual[j] = 0;
        f.frag[j] = 0;
        f.failed[j] = 0;
        f.dist[j] = -1;
        continue;
      }
      const g = this.firstPath + j;
      const start = net.surveyOn(g, r.bw);
      this.starts[j] = start;
      if (start >= 0) bits |= 1 << j;
      f.mask[j] = start >= 0 ? 1 : 0;
      const t = net.table;
      f.hops[j] = t.offset[g + 1]! - t.offset[g]!;
      f.residual[j] = net.minResidualOn(g);
      const total = grid.lastTotal;
      f.frag[j] = total === 0 ? 0 : 1 - grid.lastLargest / total;
      f.failed[j] = net.pathDown(g) ? 1 : 0;
      f.dist[j] = net.pathCentroidHops[g]!;
    }
    this.maskBits = bits;
    f.src = r.src;
    f.dst = r.dst;
    f.holding = Math.min(r.holding, this.maxHolding);
    f.slotsNeeded = this.pathCount > 0 ? net.slotsOn(this.firstPath, r.bw) : 0;
  }

  private failNow(): void {
    this.failDone = true;
    if (this.opts.failure.type === "none") return;
    const r = this.net.fail();
    this.restorationMs = this.opts.measureTime ? r.latencyMs : 0;
    this.restored += r.restored;
    this.dropped += r.dropped;
  }

  private maskBools(): boolean[] {
    const k = this.opts.k;
    const out = new Array<boolean>(k);
    for (let j = 0; j < k; j++) out[j] = ((this.maskBits >>> j) & 1) === 1;
    return out;
  }

  private observation(): OpticalObservation {
    const f = this.features;
    f.isDisaster =
      this.opts.failure.type === "disaster" && this.failDone && !this.repairDone ? 1 : 0;
    return this.opts.observation === "dict" ? dictObservation(f) : flatObservation(f);
  }
}
