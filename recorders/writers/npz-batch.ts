import type { RecordedEpisode } from "../types.js";
import {
  deflateSegment,
  EMPTY_SEGMENT,
  joinSegments,
  type NpzCompression,
  nanSegment,
  type Segment,
} from "./npz-compress.js";
import { encodeRecord, type RecordMember } from "./npz-journal.js";
import {
  BEHAVIOR_MEMBER,
  buildBatch,
  NPZ_MEMBERS,
  type RawBatch,
  type RowFlattener,
  rowBytes,
  sliceEnd,
} from "./npz-members.js";
import { crc32Combine } from "./npz-zip.js";

/** A batch ready to journal: its record and what it adds to the dataset. */
export interface PreparedBatch {
  readonly rows: number;
  /** Episodes with at least one step. */
  readonly episodes: number;
  /** Per member: segment sizes and the member's running CRC after this batch (empty when rows is 0). */
  readonly members: readonly RecordMember[];
  /**
   * The record's bytes, to be written back to back (none when rows is 0); they may be
   * reused for the batch after next, so journal them before preparing it.
   */
  readonly buffers: readonly Buffer[];
  /** Total length of `buffers`. */
  readonly bytes: number;
}

/**
 * A batch being prepared: `built` (absent when already so) settles once its rows are
 * copied and its place fixed, so the next batch may start; `done` is its record.
 */
export interface Preparing {
  readonly built?: Promise<void>;
  readonly done: PreparedBatch | Promise<PreparedBatch>;
}

/** Turns batches of episodes into journal records, in journal order. */
export interface RecordBuilder {
  /** Bytes one transition takes across all members. */
  readonly rowBytes: number;
  /** Starts preparing `episodes` (after the previous batch is built). */
  prepare(episodes: readonly RecordedEpisode[]): Preparing;
  /** Lets go of the buffers it reuses and the last record (the writer is done with it). */
  release(): void;
}

/**
 * Turns batches of episodes into compressed member segments, in order: a batch is copied
 * in slices of `sliceBytes`, yielding to the event loop between slices, and each slice's
 * compression starts on the threadpool as soon as it is copied. Row positions and where
 * behavior_probs starts are fixed as slices are copied, so batches must be prepared one
 * after another (await `built` before the next).
 */
export class BatchBuilder implements RecordBuilder {
  /** Bytes one transition takes across all members. */
  readonly rowBytes: number;
  private rowsTaken = 0;
  private behaviorOn = false;
  /** Running CRC per member after the last batch encoded. */
  private readonly crcs: number[] = NPZ_MEMBERS.map(() => 0);
  /** The last batch's record: records are encoded in order (running CRCs). */
  private previous: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly obs: RowFlattener,
    private readonly act: RowFlattener,
    private readonly compression: NpzCompression,
    private readonly sliceBytes: number,
  ) {
    this.rowBytes = rowBytes(obs.width, act.width);
  }

  /** Lets go of the last record. */
  release(): void {
    this.previous = Promise.resolve();
  }

  /** Starts preparing `episodes`. */
  prepare(episodes: readonly RecordedEpisode[]): Preparing {
    let markBuilt = () => {};
    const built = new Promise<void>((resolve) => {
      markBuilt = resolve;
    });
    const previous = this.previous;
    const rowsBefore = this.rowsTaken;
    const done = (async (): Promise<PreparedBatch> => {
      const slices: Promise<Segment[]>[] = [];
      let rows = 0;
      let nonEmpty = 0;
      try {
        for (let i = 0; i < episodes.length; ) {
          const j = sliceEnd(episodes, i, this.rowBytes, this.sliceBytes);
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
      await previous.catch(() => undefined);
      if (rows === 0) return { rows, episodes: 0, members: [], buffers: [], bytes: 0 };
      const members = segments.map((seg, i) => {
        const crc = seg.rawSize > 0 ? crc32Combine(this.crcs[i]!, seg.crc, seg.rawSize) : 0;
        if (seg.rawSize > 0) this.crcs[i] = crc;
        return { compressed: seg.size, raw: seg.rawSize, crc };
      });
      const buffers = encodeRecord(
        rowsBefore + rows,
        nonEmpty,
        members,
        segments.flatMap((seg) => seg.parts),
      );
      let bytes = 0;
      for (const b of buffers) bytes += b.length;
      return { rows, episodes: nonEmpty, members, buffers, bytes };
    })();
    this.previous = done;
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
        const how = { ...this.compression, strategy: m.strategy };
        const seg = deflateSegment(raw.buffers[i]!, how);
        if (i !== BEHAVIOR_MEMBER || backfill === 0) return seg;
        // The first known probability: rows recorded before get NaN.
        const nans = await nanSegment(backfill, how);
        return joinSegments(nans, await seg);
      }),
    );
  }
}
