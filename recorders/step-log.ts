import {
  allocate,
  DTYPES,
  type DtypeName,
  setInt64Halves,
  type TypedArray,
} from "../envs/core/dtype.js";
import type { Info } from "../envs/core/env.js";
import type { Dict } from "../envs/core/spaces/dict.js";
import type { Space, SpaceValue } from "../envs/core/spaces/space.js";
import type { Tuple } from "../envs/core/spaces/tuple.js";
import { Arena } from "./arena.js";

/** One tensor (or text) component of a space, in the order `leavesOf` lists them. */
interface Leaf {
  /** Elements per item (1 for Discrete and text). */
  readonly width: number;
  readonly dtype: DtypeName | "text";
}

/** The tensor components of `space` (Dict in key order, Tuple in order). */
function leavesOf(space: Space): Leaf[] {
  switch (space.kind) {
    case "dict":
      return [...(space as Dict).spaces.values()].flatMap(leavesOf);
    case "tuple":
      return (space as Tuple).spaces.flatMap(leavesOf);
    case "text":
      return [{ width: 1, dtype: "text" }];
    default:
      return [{ width: (space.shape ?? []).reduce((a, b) => a * b, 1), dtype: space.dtype! }];
  }
}

/** The leaf values of a (batched) value of `space`, in `leavesOf` order. */
function splitValue(space: Space, v: SpaceValue, out: (TypedArray | string[])[]): void {
  switch (space.kind) {
    case "dict":
      for (const [k, s] of (space as Dict).spaces)
        splitValue(s, (v as Record<string, SpaceValue>)[k]!, out);
      return;
    case "tuple":
      (space as Tuple).spaces.forEach((s, j) => {
        splitValue(s, (v as SpaceValue[])[j]!, out);
      });
      return;
    default:
      out.push(v as TypedArray | string[]);
  }
}

/** Rebuilds a batched value of `space` from its leaf values. */
function joinValue(space: Space, leaves: readonly (TypedArray | string[])[], at = { i: 0 }) {
  switch (space.kind) {
    case "dict": {
      const out: Record<string, SpaceValue> = {};
      for (const [k, s] of (space as Dict).spaces) out[k] = joinValue(s, leaves, at);
      return out;
    }
    case "tuple":
      return (space as Tuple).spaces.map((s): SpaceValue => joinValue(s, leaves, at));
    default:
      return leaves[at.i++]! as SpaceValue;
  }
}

const isBig = (a: unknown): boolean => a instanceof BigInt64Array || a instanceof BigUint64Array;

/**
 * Storage of one leaf for CHUNK entries of n items each. 64-bit integer leaves are
 * written through 32-bit halves when the source holds numbers: no BigInt per element.
 */
class LeafChunk {
  readonly data: TypedArray | string[];
  /** The data as integers of its element size (undefined for text). */
  readonly bits: Int32Array | Int16Array | Uint8Array | undefined;
  private readonly halves: Int32Array | undefined;

  constructor(
    readonly leaf: Leaf,
    readonly stride: number,
    entries: number,
  ) {
    this.data =
      leaf.dtype === "text"
        ? new Array<string>(stride * entries).fill("")
        : allocate(leaf.dtype, stride * entries);
    this.halves = isBig(this.data) ? new Int32Array((this.data as TypedArray).buffer) : undefined;
    this.bits = Array.isArray(this.data) ? undefined : bitsOf(this.data);
  }

  put(slot: number, src: TypedArray | string[]): void {
    const o = slot * this.stride;
    if (Array.isArray(this.data)) {
      for (let j = 0; j < this.stride; j++) this.data[o + j] = (src as string[])[j] ?? "";
    } else if (this.halves && !isBig(src)) {
      const h = this.halves;
      for (let j = 0; j < this.stride; j++)
        setInt64Halves(h, o + j, Number((src as Float64Array)[j]));
    } else if (!this.halves && isBig(src)) {
      const d = this.data as Float64Array;
      for (let j = 0; j < this.stride; j++) d[o + j] = Number((src as BigInt64Array)[j]);
    } else {
      (this.data as Float64Array).set(src as Float64Array, o);
    }
  }
}

/** An integer view of a typed array's bytes: Int32 for 4- and 8-byte elements, else its size. */
function bitsOf(a: TypedArray): Int32Array | Int16Array | Uint8Array {
  const size = a.BYTES_PER_ELEMENT;
  if (size >= 4) return new Int32Array(a.buffer, a.byteOffset, a.byteLength / 4);
  if (size === 2) return new Int16Array(a.buffer, a.byteOffset, a.length);
  return new Uint8Array(a.buffer, a.byteOffset, a.length);
}

/** Entries per chunk: chunks are freed whole once no episode needs them. */
const CHUNK = 64;

interface Chunk {
  readonly obs: LeafChunk[];
  readonly act: LeafChunk[];
  readonly rewards: Float64Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  readonly infos: (Info | undefined)[];
  readonly policies: (unknown | undefined)[];
  readonly times: number[];
}

/** Rows of one sub-env gathered out of the log, leaf by leaf. */
export interface GatheredRows {
  readonly observations: (TypedArray | string[])[];
  readonly actions: (TypedArray | string[])[];
  readonly rewards: Float64Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  /** The entries' batched infos and policies (sub-env slices are taken later). */
  readonly infos: (Info | undefined)[];
  readonly policies: (unknown | undefined)[];
}

/**
 * Every reset and step of a vectorized env, whole batches at a time, so recording
 * costs a few copies per step instead of work per sub-env; a sub-env's episode is
 * gathered out of it (strided copies) only when it ends. Entry k holds the
 * observations after call k and, for steps, the actions, rewards and flags of it.
 */
export class StepLog {
  private readonly obsLeaves: Leaf[];
  private readonly actLeaves: Leaf[];
  private readonly chunks = new Map<number, Chunk>();
  private readonly pool: Chunk[] = [];
  private next = 0;
  private oldest = 0;
  private readonly splitObs: (TypedArray | string[])[] = [];
  private readonly splitAct: (TypedArray | string[])[] = [];
  /** Where gathered rows are allocated. */
  readonly arena = new Arena();

  constructor(
    readonly numEnvs: number,
    readonly observationSpace: Space,
    readonly actionSpace: Space,
  ) {
    this.obsLeaves = leavesOf(observationSpace);
    this.actLeaves = leavesOf(actionSpace);
  }

  /** Index the next entry gets. */
  get nextEntry(): number {
    return this.next;
  }

  /** Bytes one entry takes (observations, actions, rewards and flags of every sub-env). */
  get entryBytes(): number {
    const bytes = (l: Leaf) => l.width * (l.dtype === "text" ? 16 : DTYPES[l.dtype].itemSize);
    const sum = (ls: Leaf[]) => ls.reduce((a, l) => a + bytes(l), 0);
    return this.numEnvs * (sum(this.obsLeaves) + sum(this.actLeaves) + 10);
  }

  /** Logs a reset (no actions) or a step; returns the entry's index. `info`, `policy` are kept by reference. */
  push(
    observations: SpaceValue,
    actions: SpaceValue | undefined,
    rewards: Float64Array | undefined,
    terminated: Uint8Array | undefined,
    truncated: Uint8Array | undefined,
    info: Info | undefined,
    policy: unknown,
  ): number {
    const k = this.next++;
    const c = this.chunkFor(k);
    const slot = k % CHUNK;
    this.splitObs.length = 0;
    splitValue(this.observationSpace, observations, this.splitObs);
    c.obs.forEach((l, j) => {
      l.put(slot, this.splitObs[j]!);
    });
    if (actions !== undefined) {
      this.splitAct.length = 0;
      splitValue(this.actionSpace, actions, this.splitAct);
      c.act.forEach((l, j) => {
        l.put(slot, this.splitAct[j]!);
      });
    }
    const n = this.numEnvs;
    if (rewards) c.rewards.set(rewards, slot * n);
    if (terminated) c.terminated.set(terminated, slot * n);
    if (truncated) c.truncated.set(truncated, slot * n);
    c.infos[slot] = info;
    c.policies[slot] = policy;
    c.times[slot] = Date.now();
    return k;
  }

  /** Wall-clock time (ms since the epoch) of entry k. */
  timeOf(k: number): number {
    return this.chunkAt(k).times[k % CHUNK]!;
  }

  /**
   * Sub-env i's rows of entries [from, to]: observations of every entry, and the
   * transitions (actions, rewards, flags, infos, policies) of entries after `from`,
   * or from `from` on when `withFirst` (a piece continuing an earlier one).
   */
  gather(i: number, from: number, to: number, withFirst: boolean): GatheredRows {
    const first = withFirst ? from : from + 1;
    const t = Math.max(0, to - first + 1);
    const observations = this.obsLeaves.map((l, j) => this.gatherLeaf(l, i, from, to, true, j));
    const actions = this.actLeaves.map((l, j) => this.gatherLeaf(l, i, first, to, false, j));
    const rewards = this.arena.take("float64", t) as Float64Array;
    const terminated = this.arena.take("uint8", t) as Uint8Array;
    const truncated = this.arena.take("uint8", t) as Uint8Array;
    const infos: (Info | undefined)[] = new Array(t);
    const policies: unknown[] = new Array(t);
    const n = this.numEnvs;
    // A chunk at a time: one lookup per CHUNK entries, strided reads within it.
    for (let k = first, r = 0; k <= to; ) {
      const c = this.chunkAt(k);
      const end = Math.min(to, k - (k % CHUNK) + CHUNK - 1);
      const { rewards: cr, terminated: ct, truncated: cu, infos: ci, policies: cp } = c;
      for (let s = k % CHUNK, o = s * n + i; k <= end; k++, r++, s++, o += n) {
        rewards[r] = cr[o]!;
        terminated[r] = ct[o]!;
        truncated[r] = cu[o]!;
        infos[r] = ci[s];
        policies[r] = cp[s];
      }
    }
    return { observations, actions, rewards, terminated, truncated, infos, policies };
  }

  /** Frees the entries before `entry` (no episode reads them any more). */
  release(entry: number): void {
    const keep = Math.floor(entry / CHUNK);
    for (let c = Math.floor(this.oldest / CHUNK); c < keep; c++) {
      const chunk = this.chunks.get(c);
      if (!chunk) continue;
      this.chunks.delete(c);
      if (this.pool.length < 2) this.pool.push(chunk);
    }
    this.oldest = Math.max(this.oldest, keep * CHUNK);
  }

  /** Entries held in memory. */
  get liveEntries(): number {
    return this.next - this.oldest;
  }

  /** Rebuilds batched observation and action values from gathered leaves. */
  observationsOf(leaves: readonly (TypedArray | string[])[]): SpaceValue {
    return joinValue(this.observationSpace, leaves) as SpaceValue;
  }

  /** See observationsOf. */
  actionsOf(leaves: readonly (TypedArray | string[])[]): SpaceValue {
    return joinValue(this.actionSpace, leaves) as SpaceValue;
  }

  private gatherLeaf(
    leaf: Leaf,
    i: number,
    from: number,
    to: number,
    obs: boolean,
    j: number,
  ): TypedArray | string[] {
    const rows = Math.max(0, to - from + 1);
    if (leaf.dtype === "text") {
      const out = new Array<string>(rows);
      for (let k = from, r = 0; k <= to; k++, r++) {
        const c = this.chunkAt(k);
        out[r] = ((obs ? c.obs : c.act)[j]!.data as string[])[(k % CHUNK) * this.numEnvs + i]!;
      }
      return out;
    }
    const out = this.arena.take(leaf.dtype, rows * leaf.width);
    // Copied as integers of the element's size: exact bits, no BigInt per 64-bit element.
    const dst = bitsOf(out);
    const w = (leaf.width * out.BYTES_PER_ELEMENT) / dst.BYTES_PER_ELEMENT;
    const stride = this.numEnvs * w;
    let r = 0;
    for (let k = from; k <= to; ) {
      const c = this.chunkAt(k);
      const src = (obs ? c.obs : c.act)[j]!.bits!;
      const end = Math.min(to, k - (k % CHUNK) + CHUNK - 1);
      let o = (k % CHUNK) * stride + i * w;
      if (w === 1) {
        for (; k <= end; k++, r++, o += stride) dst[r] = src[o]!;
      } else {
        for (; k <= end; k++, r++, o += stride)
          for (let e = 0; e < w; e++) dst[r * w + e] = src[o + e]!;
      }
    }
    return out;
  }

  private chunkAt(k: number): Chunk {
    const c = this.chunks.get(Math.floor(k / CHUNK));
    if (!c) throw new Error(`step log entry ${k} was released`);
    return c;
  }

  private chunkFor(k: number): Chunk {
    const id = Math.floor(k / CHUNK);
    let c = this.chunks.get(id);
    if (!c) {
      c = this.pool.pop() ?? this.makeChunk();
      this.chunks.set(id, c);
    }
    return c;
  }

  private makeChunk(): Chunk {
    const n = this.numEnvs;
    return {
      obs: this.obsLeaves.map((l) => new LeafChunk(l, n * l.width, CHUNK)),
      act: this.actLeaves.map((l) => new LeafChunk(l, n * l.width, CHUNK)),
      rewards: new Float64Array(CHUNK * n),
      terminated: new Uint8Array(CHUNK * n),
      truncated: new Uint8Array(CHUNK * n),
      infos: new Array(CHUNK),
      policies: new Array(CHUNK),
      times: new Array(CHUNK).fill(0),
    };
  }
}
