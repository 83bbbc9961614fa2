import { Box } from "../core/spaces/box.js";
import { Dict, type DictSpaceValue } from "../core/spaces/dict.js";
import { Discrete } from "../core/spaces/discrete.js";
import { MultiBinary } from "../core/spaces/multi-binary.js";
import { Tuple } from "../core/spaces/tuple.js";

/** Keys of one path's entry in the Dict observation, in the seed's order. */
export const OPTICAL_PATH_KEYS = [
  "path_hops",
  "min_residual_slots",
  "frag_indicator",
  "failure_mask",
  "dist_to_disaster_centroid",
] as const;

/** Top-level keys of the Dict observation: seed 001's state in its order, then the mask. */
export const OPTICAL_OBS_KEYS = [
  "src",
  "dst",
  "slots_needed",
  "est_remaining_time",
  "is_disaster",
  "paths",
  "action_mask",
] as const;

/** Sizes the observation spaces depend on. */
export interface OpticalObservationShape {
  readonly k: number;
  readonly nodes: number;
  readonly slots: number;
  /** Largest slots_needed (the largest request at the least efficient modulation). */
  readonly maxSlots: number;
  /** Bound of est_remaining_time (finite: Gymnasium's checker warns on infinite bounds). */
  readonly maxHolding: number;
}

/**
 * The features of one decision, filled in place by the env (one buffer per
 * env, no allocation per step); padding paths (pairs with fewer than k
 * paths) have hops, residual, frag and failed 0, dist -1 and mask 0.
 */
export class OpticalFeatures {
  src = 0;
  dst = 0;
  slotsNeeded = 0;
  holding = 0;
  isDisaster = 0;
  readonly mask: Int8Array;
  readonly hops: Float64Array;
  readonly residual: Float64Array;
  readonly frag: Float64Array;
  readonly failed: Float64Array;
  readonly dist: Float64Array;

  constructor(readonly k: number) {
    this.mask = new Int8Array(k);
    this.hops = new Float64Array(k);
    this.residual = new Float64Array(k);
    this.frag = new Float64Array(k);
    this.failed = new Float64Array(k);
    this.dist = new Float64Array(k);
  }
}

/**
 * The Dict observation space: src, dst, slots_needed, est_remaining_time,
 * is_disaster, paths (a Tuple of k Dicts with the per-path features) and
 * action_mask. Numeric features are float32 Boxes (scalars of shape ()), so
 * flattening wrappers keep them as numbers rather than one-hot codes.
 */
export function opticalDictSpace(s: OpticalObservationShape): Dict {
  const scalar = (low: number, high: number) => new Box(low, high, []);
  const path = Dict.of([
    ["path_hops", scalar(0, s.nodes - 1)],
    ["min_residual_slots", scalar(0, s.slots)],
    ["frag_indicator", scalar(0, 1)],
    ["failure_mask", scalar(0, 1)],
    ["dist_to_disaster_centroid", scalar(-1, s.nodes)],
  ]);
  return Dict.of([
    ["src", new Discrete(s.nodes)],
    ["dst", new Discrete(s.nodes)],
    ["slots_needed", scalar(0, s.maxSlots)],
    ["est_remaining_time", scalar(0, s.maxHolding)],
    ["is_disaster", new Discrete(2)],
    ["paths", new Tuple(Array.from({ length: s.k }, () => path))],
    ["action_mask", new MultiBinary(s.k)],
  ]);
}

/** Size of the flat observation: 6k + 5. */
export const flatSize = (k: number) => 6 * k + 5;

/**
 * The flat observation space: one float32 Box laid out as action_mask[k],
 * dist_to_disaster_centroid[k], dst, est_remaining_time, failure_mask[k],
 * frag_indicator[k], is_disaster, min_residual_slots[k], path_hops[k],
 * slots_needed, src (the mask first, so its first k entries are the mask).
 */
export function opticalFlatSpace(s: OpticalObservationShape): Box {
  const { k, nodes } = s;
  const low: number[] = [];
  const high: number[] = [];
  const put = (n: number, lo: number, hi: number) => {
    for (let i = 0; i < n; i++) {
      low.push(lo);
      high.push(hi);
    }
  };
  put(k, 0, 1); // action_mask
  put(k, -1, nodes); // dist_to_disaster_centroid
  put(1, 0, nodes - 1); // dst
  put(1, 0, s.maxHolding); // est_remaining_time
  put(k, 0, 1); // failure_mask
  put(k, 0, 1); // frag_indicator
  put(1, 0, 1); // is_disaster
  put(k, 0, s.slots); // min_residual_slots
  put(k, 0, nodes - 1); // path_hops
  put(1, 0, s.maxSlots); // slots_needed
  put(1, 0, nodes - 1); // src
  return new Box(low, high, [low.length]);
}

// A float32 scalar value; `new` and a store is cheaper than Float32Array.of.
function f32(x: number): Float32Array {
  const a = new Float32Array(1);
  a[0] = x;
  return a;
}

/** A fresh Dict observation of the features (the caller may keep it). */
export function dictObservation(f: OpticalFeatures): DictSpaceValue {
  const k = f.k;
  const paths = new Array<DictSpaceValue>(k);
  for (let j = 0; j < k; j++) {
    paths[j] = {
      path_hops: f32(f.hops[j]!),
      min_residual_slots: f32(f.residual[j]!),
      frag_indicator: f32(f.frag[j]!),
      failure_mask: f32(f.failed[j]!),
      dist_to_disaster_centroid: f32(f.dist[j]!),
    };
  }
  return {
    src: f.src,
    dst: f.dst,
    slots_needed: f32(f.slotsNeeded),
    est_remaining_time: f32(f.holding),
    is_disaster: f.isDisaster,
    paths,
    action_mask: f.mask.slice(),
  };
}

/** A fresh flat observation of the features, in opticalFlatSpace's layout. */
export function flatObservation(f: OpticalFeatures): Float32Array {
  const k = f.k;
  const out = new Float32Array(flatSize(k));
  let o = 0;
  for (let j = 0; j < k; j++) out[o++] = f.mask[j]!;
  out.set(f.dist, o);
  o += k;
  out[o++] = f.dst;
  out[o++] = f.holding;
  out.set(f.failed, o);
  o += k;
  out.set(f.frag, o);
  o += k;
  out[o++] = f.isDisaster;
  out.set(f.residual, o);
  o += k;
  out.set(f.hops, o);
  o += k;
  out[o++] = f.slotsNeeded;
  out[o] = f.src;
  return out;
}
