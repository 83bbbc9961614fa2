import { keepShape } from "../shape-keeper.js";
import type { RecordedEpisode } from "../types.js";
import type { PreparedBatch, Preparing, RecordBuilder } from "./npz-batch.js";
import {
  type RecordMember,
  sealRecordV2,
  segmentOffsetsV2,
  writeRecordPrefix,
} from "./npz-journal.js";
import {
  BEHAVIOR_MEMBER,
  type ColumnArrays,
  fillColumns,
  hasBehavior,
  memberWidth,
  NPZ_MEMBERS,
  type RowFlattener,
  rowBytes,
  sliceEnd,
} from "./npz-members.js";
import { crcOf } from "./npz-zip.js";

/** Records up to this size are laid out in reused buffers (see recordBuffer). */
const ARENA_BYTES = 8 << 20;

/**
 * Lays batches of episodes out as version 2 journal records (raw members, see
 * npz-journal.ts), each record one buffer: sizes follow from the row count, so every
 * column is written in place, straight from the episodes (one copy), and each member's
 * running CRC is taken once over its bytes. `sliceBytes` are copied per event-loop turn;
 * a batch of one slice is ready at once, with no promise. Batches must be prepared in
 * journal order (row positions and running CRCs move as they are prepared).
 */
export class RawBatchBuilder implements RecordBuilder {
  /** Bytes one transition takes across all members. */
  readonly rowBytes: number;
  private readonly crcs: number[] = NPZ_MEMBERS.map(() => 0);
  private rowsTaken = 0;
  private behaviorOn = false;
  private readonly arenas: Buffer[] = [Buffer.alloc(0), Buffer.alloc(0)];
  private turn = 0;

  constructor(
    private readonly obs: RowFlattener,
    private readonly act: RowFlattener,
    private readonly sliceBytes: number,
  ) {
    this.rowBytes = rowBytes(obs.width, act.width);
    keepShape(this);
  }

  /** Lets go of the reused record buffers. */
  release(): void {
    this.arenas.fill(Buffer.alloc(0));
  }

  /**
   * A buffer for a record of `bytes`, 8-aligned (typed-array views): records up to
   * ARENA_BYTES alternate between two reused buffers (a fresh one per episode costs more
   * than filling it: allocation, first-touch page faults, garbage collection), which is
   * why a record must be journaled before the batch after next is prepared.
   */
  private recordBuffer(bytes: number): Buffer {
    if (bytes > ARENA_BYTES) return Buffer.allocUnsafeSlow(bytes);
    this.turn ^= 1;
    let arena = this.arenas[this.turn]!;
    if (arena.length < bytes) {
      arena = Buffer.allocUnsafeSlow(
        Math.min(ARENA_BYTES, Math.max(bytes, 2 * arena.length, 1 << 16)),
      );
      this.arenas[this.turn] = arena;
    }
    return arena.subarray(0, bytes);
  }

  /** Starts laying out `episodes`; synchronous when they fit in one slice. */
  prepare(episodes: readonly RecordedEpisode[]): Preparing {
    let rows = 0;
    let nonEmpty = 0;
    let anyBehavior = false;
    for (const ep of episodes) {
      const t = ep.rewards.length;
      rows += t;
      if (t > 0) nonEmpty++;
      if (!anyBehavior && t > 0) anyBehavior = hasBehavior(ep);
    }
    if (rows === 0) return { done: { rows, episodes: 0, members: [], buffers: [], bytes: 0 } };
    // The first known probability: rows recorded before get NaN.
    const backfill = anyBehavior && !this.behaviorOn ? this.rowsTaken : 0;
    this.behaviorOn ||= anyBehavior;
    this.rowsTaken += rows;
    const rowsAfter = this.rowsTaken;
    const layout = this.layout(rows, backfill);
    const cols = columnsOf(layout.segments, backfill);
    const crcs = new CrcProgress(this.crcs);
    const finish = (): PreparedBatch => {
      const members: RecordMember[] = layout.raws.map((raw, i) => ({
        compressed: raw,
        raw,
        crc: crcs.crcs[i]!,
      }));
      for (let i = 0; i < members.length; i++) this.crcs[i] = members[i]!.crc;
      writeRecordPrefix(layout.record, 2, rowsAfter, nonEmpty, members);
      sealRecordV2(layout.record);
      const { record } = layout;
      return { rows, episodes: nonEmpty, members, buffers: [record], bytes: record.length };
    };
    if (rows * this.rowBytes <= this.sliceBytes) {
      fillColumns(episodes, this.obs, this.act, cols, 0);
      crcs.upTo(layout, rows);
      return { done: finish() };
    }
    const done = (async () => {
      let row = 0;
      for (let i = 0; i < episodes.length; ) {
        const j = sliceEnd(episodes, i, this.rowBytes, this.sliceBytes);
        row += fillColumns(episodes.slice(i, j), this.obs, this.act, cols, row).rows;
        crcs.upTo(layout, row);
        i = j;
        if (i < episodes.length) await new Promise((r) => setImmediate(r));
      }
      return finish();
    })();
    return { built: done.then(() => undefined), done };
  }

  /** The record of `rows` rows (behavior_probs, once on, led by `backfill` rows before them). */
  private layout(rows: number, backfill: number): Layout {
    const widths = NPZ_MEMBERS.map((m, i) =>
      i === BEHAVIOR_MEMBER && !this.behaviorOn
        ? 0
        : memberWidth(m, this.obs.width, this.act.width) * m.itemSize,
    );
    const starts = widths.map((w, i) => (i === BEHAVIOR_MEMBER ? backfill * w : 0));
    const raws = widths.map((w, i) => starts[i]! + rows * w);
    const offsets = segmentOffsetsV2(raws);
    const record = this.recordBuffer(offsets[raws.length]!);
    const segments = raws.map((raw, i) => {
      const at = offsets[i]!;
      // Padding is zeros (recovery checks it).
      record.fill(0, at + raw, offsets[i + 1]!);
      return record.subarray(at, at + raw);
    });
    return { record, widths, starts, raws, segments };
  }
}

/** Where a record's members go. */
interface Layout {
  readonly record: Buffer;
  /** Per member: bytes per row, bytes before the batch's rows (the backfill), raw bytes, its segment. */
  readonly widths: readonly number[];
  readonly starts: readonly number[];
  readonly raws: readonly number[];
  readonly segments: readonly Buffer[];
}

/** Each member's running CRC, advanced over its bytes as rows are filled (the backfill first). */
class CrcProgress {
  readonly crcs: number[];
  private readonly done: number[];

  /** The layout is passed to upTo, not kept: the latest instance outlives its batch (keepShape). */
  constructor(before: readonly number[]) {
    this.crcs = before.slice();
    this.done = before.map(() => 0);
    keepShape(this);
  }

  /** Takes rows up to `row` (of the batch laid out as `layout`) into the CRCs. */
  upTo(layout: Layout, row: number): void {
    const { widths, starts, segments } = layout;
    for (let i = 0; i < this.crcs.length; i++) {
      const end = starts[i]! + row * widths[i]!;
      if (end === this.done[i]) continue;
      this.crcs[i] = crcOf(segments[i]!.subarray(this.done[i], end), this.crcs[i]);
      this.done[i] = end;
    }
  }
}

/** The columns over a record's segments; behavior_probs' backfill is filled with NaN here. */
function columnsOf(segments: readonly Buffer[], backfill: number): ColumnArrays {
  const behavior =
    segments[BEHAVIOR_MEMBER]!.length > 0
      ? column(Float64Array, segments[BEHAVIOR_MEMBER]!)
      : undefined;
  behavior?.fill(Number.NaN, 0, backfill);
  return {
    states: column(Float32Array, segments[0]!),
    actions: column(Float32Array, segments[1]!),
    rewards: column(Float32Array, segments[2]!),
    next: column(Float32Array, segments[3]!),
    terminals: segments[4]!,
    timeouts: segments[5]!,
    ids: column(BigInt64Array, segments[6]!),
    rtg: column(Float32Array, segments[7]!),
    behavior: behavior?.subarray(backfill),
  };
}

interface ColumnType<T> {
  readonly BYTES_PER_ELEMENT: number;
  new (buffer: ArrayBuffer, byteOffset: number, length: number): T;
}

/** A member's bytes viewed as its column (the record is 8-aligned, its segments too). */
function column<T>(Type: ColumnType<T>, seg: Buffer): T {
  return new Type(seg.buffer as ArrayBuffer, seg.byteOffset, seg.length / Type.BYTES_PER_ELEMENT);
}
