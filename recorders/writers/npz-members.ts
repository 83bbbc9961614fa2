import { constants } from "node:zlib";
import { asNumbers, isTypedArray, shapeSize, type TypedArray } from "../../envs/core/dtype.js";
import { InvalidArgumentError } from "../../envs/core/errors.js";
import type { Dict } from "../../envs/core/spaces/dict.js";
import type { Space, SpaceValue } from "../../envs/core/spaces/space.js";
import type { Tuple } from "../../envs/core/spaces/tuple.js";
import { keepShape } from "../shape-keeper.js";
import type { RecordedEpisode } from "../types.js";

/** One array of the .npz: its name, numpy dtype, row width and deflate strategy. */
export interface NpzMember {
  readonly name: string;
  /** numpy dtype string of the .npy header. */
  readonly descr: "<f4" | "<f8" | "<i8" | "|b1";
  readonly itemSize: number;
  /** Elements per row: the flattened observation, the flattened action, or a scalar. */
  readonly width: "obs" | "act" | 1;
  /** zlib strategy: RLE for floats (as small as the default on float data, several times faster), LZ77 for repeating ids. */
  readonly strategy: number;
}

const RLE = constants.Z_RLE;
const LZ = constants.Z_DEFAULT_STRATEGY;

/**
 * The arrays, in journal and archive order (never reorder: journals store them by index).
 * rewards and returns_to_go are float32 as in D4RL; behavior_probs is float64 (NaN where unknown)
 * and only appears once some step carried a behavior probability.
 */
export const NPZ_MEMBERS: readonly NpzMember[] = [
  { name: "states", descr: "<f4", itemSize: 4, width: "obs", strategy: RLE },
  { name: "actions", descr: "<f4", itemSize: 4, width: "act", strategy: RLE },
  { name: "rewards", descr: "<f4", itemSize: 4, width: 1, strategy: RLE },
  { name: "next_states", descr: "<f4", itemSize: 4, width: "obs", strategy: RLE },
  { name: "terminals", descr: "|b1", itemSize: 1, width: 1, strategy: RLE },
  { name: "timeouts", descr: "|b1", itemSize: 1, width: 1, strategy: RLE },
  { name: "episode_ids", descr: "<i8", itemSize: 8, width: 1, strategy: LZ },
  { name: "returns_to_go", descr: "<f4", itemSize: 4, width: 1, strategy: RLE },
  { name: "behavior_probs", descr: "<f8", itemSize: 8, width: 1, strategy: LZ },
];

/** Index of behavior_probs in NPZ_MEMBERS. */
export const BEHAVIOR_MEMBER = 8;

/** Elements per row of `member` for these dimensions. */
export function memberWidth(member: NpzMember, obsDim: number, actDim: number): number {
  return member.width === "obs" ? obsDim : member.width === "act" ? actDim : 1;
}

/** Writes rows of a space's batched values as float32 rows (gymnasium.spaces.flatten order). */
export interface RowFlattener {
  /** Floats per row. */
  readonly width: number;
  /** Copies rows [from, from + rows) of `batch` into `out` starting at row `outRow`. */
  write(batch: SpaceValue, from: number, rows: number, out: Float32Array, outRow: number): void;
}

/** A Box-like part of a space: where it lies in a value (keys from the root) and in a row. */
interface Leaf {
  readonly path: readonly (string | number)[];
  readonly offset: number;
  readonly width: number;
}

/** The part of a (batched) value at `path`. */
function partAt(value: SpaceValue, path: readonly (string | number)[]): SpaceValue {
  let v = value;
  for (const key of path) v = (v as Record<string | number, SpaceValue>)[key]!;
  return v;
}

/**
 * A class rather than a closure per space: every recording's flattener then shares one
 * `write`, so the code that calls it (fillColumns) stays optimized across recordings,
 * where a fresh closure per writer made V8 deoptimize and recompile it for each new one.
 */
class SpaceRowFlattener implements RowFlattener {
  constructor(
    readonly width: number,
    private readonly leaves: readonly Leaf[],
    private readonly field: string,
  ) {
    keepShape(this);
  }

  write(batch: SpaceValue, from: number, rows: number, out: Float32Array, outRow: number): void {
    const rowWidth = this.width;
    for (const leaf of this.leaves) {
      const v = partAt(batch, leaf.path);
      const start = from * leaf.width;
      const end = start + rows * leaf.width;
      const arr = isTypedArray(v) ? v : typeof v === "number" ? Float64Array.of(v) : undefined;
      if (!arr || arr.length < end) {
        throw new TypeError(`${this.field}: expected ${end} elements in batched layout`);
      }
      const part: TypedArray = arr.subarray(start, end);
      const src = asNumbers(part);
      if (leaf.width === rowWidth) {
        out.set(src, outRow * rowWidth);
        continue;
      }
      for (let r = 0; r < rows; r++) {
        const o = (outRow + r) * rowWidth + leaf.offset;
        const s = r * leaf.width;
        for (let j = 0; j < leaf.width; j++) out[o + j] = src[s + j]!;
      }
    }
  }
}

/**
 * Flattens like gymnasium.spaces.flatten, except that Discrete is one float (the value
 * itself, start included, not a one-hot vector) and MultiDiscrete its values: seed 000's
 * consumers expect actions as numbers. Box, MultiBinary: their elements in C order;
 * Dict: its parts in the space's key order; Tuple: its parts in order. Text is refused.
 */
export function rowFlattener(space: Space, field: string): RowFlattener {
  const leaves: Leaf[] = [];
  let width = 0;
  const walk = (s: Space, path: readonly (string | number)[]): void => {
    if (s.kind === "dict") {
      for (const [k, sub] of (s as Dict).spaces) walk(sub, [...path, k]);
    } else if (s.kind === "tuple") {
      (s as Tuple).spaces.forEach((sub, i) => {
        walk(sub, [...path, i]);
      });
    } else if (s.kind === "text") {
      throw new InvalidArgumentError(
        field,
        `npz holds numbers only; ${s} cannot be flattened (record jsonl instead)`,
      );
    } else {
      const w = shapeSize(s.shape ?? []);
      leaves.push({ path, offset: width, width: w });
      width += w;
    }
  };
  walk(space, []);
  return new SpaceRowFlattener(width, leaves, field);
}

/** Reasons an episode ends without the env saying so; its last step is then marked as a timeout. */
const CUT_SHORT = new Set(["client_disconnected", "server_shutdown", "recording_stopped", "reset"]);

/** The raw bytes of every member for a run of episodes, and what they hold. */
export interface RawBatch {
  readonly rows: number;
  /** Episodes with at least one step (the others hold no transition). */
  readonly episodes: number;
  /** One buffer per NPZ_MEMBERS entry. */
  readonly buffers: readonly Buffer[];
  /** True when some step carried a behavior probability. */
  readonly anyBehavior: boolean;
}

/** Bytes one transition takes across all members. */
export function rowBytes(obsDim: number, actDim: number): number {
  return NPZ_MEMBERS.reduce((n, m) => n + m.itemSize * memberWidth(m, obsDim, actDim), 0);
}

/** One typed array per member, in NPZ_MEMBERS order (behavior: absent when not recorded). */
export interface ColumnArrays {
  readonly states: Float32Array;
  readonly actions: Float32Array;
  readonly rewards: Float32Array;
  readonly next: Float32Array;
  readonly terminals: Uint8Array;
  readonly timeouts: Uint8Array;
  readonly ids: BigInt64Array;
  readonly rtg: Float32Array;
  readonly behavior: Float64Array | undefined;
}

/** True when some step of the episode carried a behavior probability. */
export function hasBehavior(episode: RecordedEpisode): boolean {
  const probs = episode.policy.behaviorProb;
  for (let i = 0; i < episode.rewards.length; i++) if (!Number.isNaN(probs[i]!)) return true;
  return false;
}

/** What fillColumns copied. */
export interface FilledRows {
  readonly rows: number;
  /** Episodes with at least one step. */
  readonly episodes: number;
}

/**
 * Copies episodes into columns from row `row` on (one copy of every value); the columns
 * must hold their rows.
 */
export function fillColumns(
  episodes: readonly RecordedEpisode[],
  obs: RowFlattener,
  act: RowFlattener,
  cols: ColumnArrays,
  row: number,
): FilledRows {
  const first = row;
  let nonEmpty = 0;
  for (const ep of episodes) {
    const t = ep.rewards.length;
    if (t === 0) continue;
    nonEmpty++;
    obs.write(ep.observations, 0, t, cols.states, row);
    obs.write(ep.observations, 1, t, cols.next, row);
    act.write(ep.actions, 0, t, cols.actions, row);
    narrowInto(cols.rewards, ep.rewards, row, t);
    copyInto(cols.terminals, ep.terminations, row, t);
    copyInto(cols.timeouts, ep.truncations, row, t);
    const last = row + t - 1;
    if (CUT_SHORT.has(ep.meta.terminationReason) && !cols.terminals[last]) {
      cols.timeouts[last] = 1;
    }
    cols.ids.fill(BigInt(ep.meta.episodeId), row, row + t);
    narrowInto(cols.rtg, ep.returnsToGo, row, t);
    cols.behavior?.set(ep.policy.behaviorProb.subarray(0, t), row);
    row += t;
  }
  return { rows: row - first, episodes: nonEmpty };
}

/** Copies the first `n` bytes of `src` into `out` at `at` (no view made when `src` is exactly that long). */
function copyInto(out: Uint8Array, src: Uint8Array, at: number, n: number): void {
  out.set(src.length === n ? src : src.subarray(0, n), at);
}

/**
 * Copies the first `n` float64s of `src` into float32 `out` at `at`: a loop, as
 * TypedArray.prototype.set converting between element types runs several times slower.
 */
function narrowInto(out: Float32Array, src: Float64Array, at: number, n: number): void {
  for (let i = 0; i < n; i++) out[at + i] = src[i]!;
}

/**
 * Where the slice of `episodes` starting at `from` ends: one episode, then more while the
 * slice holds fewer than `sliceBytes` (a batch is copied a slice per event-loop turn).
 */
export function sliceEnd(
  episodes: readonly RecordedEpisode[],
  from: number,
  rowBytes: number,
  sliceBytes: number,
): number {
  let j = from;
  for (let bytes = 0; j < episodes.length && (j === from || bytes < sliceBytes); j++) {
    bytes += episodes[j]!.rewards.length * rowBytes;
  }
  return j;
}

/** Copies episodes into one fresh contiguous buffer per member. */
export function buildBatch(
  episodes: readonly RecordedEpisode[],
  obs: RowFlattener,
  act: RowFlattener,
): RawBatch {
  let rows = 0;
  for (const ep of episodes) rows += ep.rewards.length;
  const cols: ColumnArrays = {
    states: new Float32Array(rows * obs.width),
    actions: new Float32Array(rows * act.width),
    rewards: new Float32Array(rows),
    next: new Float32Array(rows * obs.width),
    terminals: new Uint8Array(rows),
    timeouts: new Uint8Array(rows),
    ids: new BigInt64Array(rows),
    rtg: new Float32Array(rows),
    behavior: new Float64Array(rows),
  };
  const filled = fillColumns(episodes, obs, act, cols, 0);
  const bytes = (a: TypedArray) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  const { states, actions, rewards, next, terminals, timeouts, ids, rtg } = cols;
  return {
    ...filled,
    anyBehavior: episodes.some(hasBehavior),
    buffers: [states, actions, rewards, next, terminals, timeouts, ids, rtg, cols.behavior!].map(
      bytes,
    ),
  };
}
