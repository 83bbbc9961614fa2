import type { RecordedEpisode } from "../types.js";
import {
  deflateSegment,
  EMPTY_SEGMENT,
  joinSegments,
  nanSegment,
  type Segment,
  storedSegment,
} from "./npz-compress.js";
import {
  BEHAVIOR_MEMBER,
  buildBatch,
  NPZ_MEMBERS,
  type RawBatch,
  type RowFlattener,
  rowBytes,
} from "./npz-members.js";

/** A batch ready to journal: one segment per member. */
export interface PreparedBatch {
  readonly rows: number;
  /** Episodes with at least one step. */
  readonly episodes: number;
  readonly segments: readonly Segment[];
}

/** A batch being prepared: `built` settles once it is copied (its place fixed), `done` once compressed. */
export interface Preparing {
  readonly built: Promise<void>;
  readonly done: Promise<PreparedBatch>;
}

/**
 * Turns batches of episodes into compressed member segments, in order: a batch is copied
 * in slices of `sliceBytes`, yielding to the event loop between slices, and each slice's
 * compression starts on the threadpool as soon as it is copied. Row positions and where
 * behavior_probs starts are fixed as slices are copied, so batches must be prepared one
 * after another (await `built` before the next).
 */
export class BatchBuilder {
  /** Bytes one transition takes across all members. */
  readonly rowBytes: number;
  private rowsTaken = 0;
  private behaviorOn = false;

  constructor(
    private readonly obs: RowFlattener,
    private readonly act: RowFlattener,
    private readonly level: number,
    private readonly sliceBytes: number,
  ) {
    this.rowBytes = rowBytes(obs.width, act.width);
  }

  /** Starts preparing `episodes`. */
  prepare(episodes: readonly RecordedEpisode[]): Preparing {
    let markBuilt = () => {};
    const built = new Promise<void>((resolve) => {
      markBuilt = resolve;
    });
    const done = (async (): Promise<PreparedBatch> => {
      const slices: Promise<Segment[]>[] = [];
      let rows = 0;
      let nonEmpty = 0;
      try {
        for (let i = 0; i < episodes.length; ) {
          let j = i;
          for (let bytes = 0; j < episodes.length && (j === i || bytes < this.sliceBytes); j++) {
            bytes += episodes[j]!.rewards.length * this.rowBytes;
          }
          const raw = buildBatch(episodes.slice(i, j), this.obs, this.act);
          rows += raw.rows;
          nonEmpty += raw.episodes;
          slices.push(this.compress(raw));
          i = j;
          if (i < episodes.length) await new Promise((r) => setImmediate(r));
        }
      } finally {
        markBuilt();
      }
      const compressed = await Promise.all(slices);
      const segments = NPZ_MEMBERS.map((_, m) =>
        compressed.reduce((acc, seg) => joinSegments(acc, seg[m]!), EMPTY_SEGMENT),
      );
      return { rows, episodes: nonEmpty, segments };
    })();
    return { built, done };
  }

  /** Starts compressing a copied slice; its place in the dataset is fixed now. */
  private compress(raw: RawBatch): Promise<Segment[]> {
    const rowsBefore = this.rowsTaken;
    this.rowsTaken += raw.rows;
    const backfill = raw.anyBehavior && !this.behaviorOn ? rowsBefore : 0;
    this.behaviorOn ||= raw.anyBehavior;
    const on = this.behaviorOn;
    return Promise.all(
      NPZ_MEMBERS.map(async (m, i): Promise<Segment> => {
        if (raw.rows === 0 || (i === BEHAVIOR_MEMBER && !on)) return EMPTY_SEGMENT;
        // Level 0: stored blocks made here, no trip to the threadpool (compressed at close).
        const stored = this.level === 0;
        const seg = stored
          ? storedSegment(raw.buffers[i]!)
          : deflateSegment(raw.buffers[i]!, m.strategy, this.level);
        if (i !== BEHAVIOR_MEMBER || backfill === 0) return seg;
        // The first known probability: rows recorded before get NaN.
        const nans = stored
          ? storedSegment(Buffer.from(new Float64Array(backfill).fill(Number.NaN).buffer))
          : await nanSegment(backfill, m.strategy, this.level);
        return joinSegments(nans, await seg);
      }),
    );
  }
}
