import { availableParallelism } from "node:os";
import { constants, type ZlibOptions } from "node:zlib";
import { DeflatePool } from "./deflate-pool.js";
import { crc32Combine, crcOf, storedBlocks } from "./npz-zip.js";
import { estimateRleDeflatedSize } from "./rle-deflate-estimate.js";

/**
 * Compression jobs all npz writers of the process run at once: one core is left to the
 * event loop (on 2 cores, compressing on both stretched 5 ms of event-loop work to
 * 50-150 ms). The jobs run on low-priority threads (deflate-pool.ts), so they also
 * yield to a busy event loop and to other processes, such as a trainer on this machine.
 */
let threads = Math.max(1, availableParallelism() - 1);
let running = 0;
/** Jobs waiting for a slot, in order; `closing` is asked when a slot frees (see limit). */
const waiting: { readonly closing: () => boolean; readonly start: () => void }[] = [];

/** How many compression jobs npz writers run at once in this process. */
export function npzCompressionThreads(): number {
  return threads;
}

/** Sets how many compression jobs npz writers run at once in this process (default: cores - 1). */
export function setNpzCompressionThreads(n: number): void {
  threads = Math.max(1, Math.floor(n));
  startWaiting();
}

/** Starts waiting jobs while their limit allows. */
function startWaiting(): void {
  while (waiting.length > 0 && running < limit(waiting[0]!.closing())) {
    running++;
    waiting.shift()!.start();
  }
}

/** Jobs this small skip the queue: they cost less than the wait (an episode's members at episode end). */
const SMALL_JOB = 64 << 10;

const ALL_CORES = availableParallelism();
/**
 * Where npz writers compress: low-priority threads, so only spare CPU goes to it. A
 * recording's background compaction (nobody waits for it) runs on SCHED_IDLE threads, so
 * it never holds a core a step loop's thread wakes up for; work a caller waits for (a
 * closing dataset, a batch compressed as it comes) runs at nice 19, which still gets a
 * share of a busy machine (see PoolPriority).
 */
const backgroundPool = new DeflatePool(ALL_CORES, "idle");
const waitedPool = new DeflatePool(ALL_CORES, "low");

/** The pool for a job of a dataset that says whether it is `closing`; no callback: a waited-for job. */
function poolFor(closing: (() => boolean) | undefined): DeflatePool {
  return closing && !closing() ? backgroundPool : waitedPool;
}

/** Slices of a piece deflated to judge it (minSaving), and their size: ~6% of a 1 MiB piece's work. */
const SAMPLES = 4;
const SAMPLE_BYTES = 16 << 10;
/** Bytes of a judging sample (SAMPLES slices of a piece, back to back). */
export const PIECE_SAMPLE_BYTES = SAMPLES * SAMPLE_BYTES;
/**
 * Pieces under other strategies than Z_RLE shorter than this are deflated unjudged
 * (deflating their sample would cost most of deflating them); Z_RLE pieces are judged
 * on their sample from SMALL_JOB (= PIECE_SAMPLE_BYTES) up, the model being cheap.
 */
const JUDGED_BYTES = 4 * PIECE_SAMPLE_BYTES;

/** Distance between the starts of the sample's slices in a piece of `length` bytes. */
function sampleStep(length: number): number {
  return Math.floor((length - SAMPLE_BYTES) / (SAMPLES - 1));
}

/**
 * Copies what `bytes`, lying at `at` in a piece of `length` bytes, holds of the piece's
 * judging sample into `sample` (PIECE_SAMPLE_BYTES): a piece's sample can be taken as
 * its bytes go by, without keeping them.
 */
export function takeSample(sample: Buffer, bytes: Buffer, at: number, length: number): void {
  const step = sampleStep(length);
  for (let i = 0; i < SAMPLES; i++) {
    const from = Math.max(i * step, at);
    const to = Math.min(i * step + SAMPLE_BYTES, at + bytes.length);
    if (from < to) bytes.copy(sample, i * SAMPLE_BYTES + from - i * step, from - at, to - at);
  }
}

/**
 * Whether deflate would shrink a piece by at least `minSaving`, judged from its sample
 * (SAMPLES slices spread over it; ZFS keeps a compressed block by the same kind of rule,
 * 1/8). Under Z_RLE (the float and bool members) zlib's output is modelled on this
 * thread (rle-deflate-estimate.ts: no thread round trip, no queue, a third of deflate's
 * work or less), so a piece to store never touches a pool thread; other strategies (LZ77
 * matches) deflate the sample on one (worthDeflating).
 */
export function rleWorthDeflating(sample: Buffer, minSaving: number): boolean {
  return estimateRleDeflatedSize(sample, SAMPLE_BYTES) <= sample.length * (1 - minSaving);
}

/** rleWorthDeflating's rule for the other strategies: the sample deflated on a pool thread. */
async function worthDeflating(
  pool: DeflatePool,
  sample: Buffer,
  opts: ZlibOptions,
  minSaving: number,
): Promise<boolean> {
  const z = await pool.deflateRaw(sample, opts);
  return z.length <= sample.length * (1 - minSaving);
}

let utilization = performance.eventLoopUtilization();
let sampledAt = performance.now();
let loopIdle = false;

/**
 * Jobs that may run now: `threads`, or every core for a closing dataset's jobs while the
 * event loop was mostly idle over the last 100 ms (nothing else then needs the core left
 * to it; a busy loop, e.g. other sessions stepping, keeps it).
 */
function limit(closing: boolean): number {
  if (!closing) return threads;
  const now = performance.now();
  if (now - sampledAt >= 100) {
    loopIdle = performance.eventLoopUtilization(utilization).utilization < 0.5;
    utilization = performance.eventLoopUtilization();
    sampledAt = now;
  }
  return loopIdle ? Math.max(threads, ALL_CORES) : threads;
}

/**
 * A piece of `length` bytes deflated, or undefined when its sample says to store it:
 * `load` gives its bytes (called only when they are deflated), `sample` its judging
 * sample (only when judged: minSaving > 0, and JUDGED_BYTES or more unless Z_RLE;
 * SMALL_JOB or more in any case). `closing`, asked when the job starts, says whether its
 * dataset is closing (see limit, poolFor); without it the job is waited for.
 */
async function deflateRawAsync(
  length: number,
  load: () => Buffer | Promise<Buffer>,
  sample: () => Buffer,
  opts: ZlibOptions,
  minSaving: number,
  closing?: () => boolean,
): Promise<Buffer | undefined> {
  if (length < SMALL_JOB) {
    const data = await load();
    return poolFor(closing).deflateRaw(data, opts);
  }
  const rle = opts.strategy === constants.Z_RLE;
  const judged = minSaving > 0 && (rle || length >= JUDGED_BYTES);
  if (judged && rle && !rleWorthDeflating(sample(), minSaving)) return undefined;
  const isClosing = closing ?? (() => false);
  if (waiting.length > 0 || running >= limit(isClosing())) {
    await new Promise<void>((start) => {
      waiting.push({ closing: isClosing, start });
    });
  } else {
    running++;
  }
  try {
    const pool = poolFor(closing);
    if (judged && !rle && !(await worthDeflating(pool, sample(), opts, minSaving))) {
      return undefined;
    }
    return await pool.deflateRaw(await load(), opts);
  } finally {
    running--;
    startWaiting();
  }
}

/** Raw bytes compressed per zlib call: big enough to amortize a call, small enough to spread a batch over the threads. */
export const CHUNK_BYTES = 1 << 20;

/** zlib's output buffer (its default, 16 KiB, grows the output in many small steps). */
const OUT_BYTES = 256 << 10;

/** A run of a member's bytes as independent, sync-flushed raw-deflate pieces. */
export interface Segment {
  /** Compressed pieces, to be stored back to back. */
  readonly parts: readonly Buffer[];
  /** Compressed bytes. */
  readonly size: number;
  /** Uncompressed bytes. */
  readonly rawSize: number;
  /** CRC-32 of this segment's uncompressed bytes alone (combine with crc32Combine). */
  readonly crc: number;
}

/** A segment holding nothing. */
export const EMPTY_SEGMENT: Segment = { parts: [], size: 0, rawSize: 0, crc: 0 };

/** How a writer deflates its pieces (NpzWriterOptions' level and minSaving). */
export interface NpzCompression {
  /** zlib level, 1-9 (0: stored blocks). */
  readonly level: number;
  /** A piece whose sample saves less than this fraction is stored (see worthDeflating); 0: never. */
  readonly minSaving: number;
}

/** How one member's pieces are deflated. */
export interface PieceCompression extends NpzCompression {
  /** zlib strategy (the member's, NPZ_MEMBERS). */
  readonly strategy: number;
}

/** zlib's options for a piece (memLevel 9: twice the symbols per block of the default 8, ~15% faster on float data, same size). */
function pieceOptions({ level, strategy }: PieceCompression): ZlibOptions {
  return {
    level,
    strategy,
    memLevel: 9,
    finishFlush: constants.Z_SYNC_FLUSH,
    chunkSize: OUT_BYTES,
  };
}

/**
 * `data` as one independent raw-deflate piece ended by a sync flush (byte-aligned, not
 * final), compressed on the pool's threads within the process-wide job limit, or
 * undefined when `minSaving` says to store it (storedBlocks frames it);
 * `closing` says, when the job would start, whether its dataset is closing (see limit,
 * poolFor); without it the piece is waited for.
 */
export function deflatePiece(
  data: Buffer,
  how: PieceCompression,
  closing?: () => boolean,
): Promise<Buffer | undefined> {
  const sample = () => {
    if (data.length <= PIECE_SAMPLE_BYTES) return data;
    const out = Buffer.allocUnsafe(PIECE_SAMPLE_BYTES);
    takeSample(out, data, 0, data.length);
    return out;
  };
  return deflateRawAsync(
    data.length,
    () => data,
    sample,
    pieceOptions(how),
    how.minSaving,
    closing,
  );
}

/**
 * deflatePiece for a piece of `length` bytes (JUDGED_BYTES or more) that are not at
 * hand: judged on `sample` (takeSample's), its bytes `load`ed only when it is to be deflated.
 */
export function deflateSampledPiece(
  length: number,
  sample: Buffer,
  load: () => Promise<Buffer>,
  how: PieceCompression,
  closing?: () => boolean,
): Promise<Buffer | undefined> {
  if (length < JUDGED_BYTES) {
    throw new RangeError(`a sampled piece holds ${JUDGED_BYTES} bytes or more, got ${length}`);
  }
  return deflateRawAsync(length, load, () => sample, pieceOptions(how), how.minSaving, closing);
}

/** deflatePiece's bytes, or `data` framed as stored blocks where it says to store it. */
function deflateOrStore(data: Buffer, how: PieceCompression): Promise<Buffer> {
  return deflatePiece(data, how).then((piece) => piece ?? storedBlocks(data));
}

/**
 * Compresses `data` on the pool's threads, CHUNK_BYTES at a time, each chunk an
 * independent deflate stream ended by a sync flush (byte-aligned, not final), so
 * pieces can be concatenated and the stream ended later with FINAL_BLOCK.
 * The CRC is computed here while the pool compresses, one chunk per turn.
 */
export async function deflateSegment(data: Buffer, how: PieceCompression): Promise<Segment> {
  const jobs: Promise<Buffer>[] = [];
  for (let o = 0; o < data.length; o += CHUNK_BYTES) {
    jobs.push(deflateOrStore(data.subarray(o, o + CHUNK_BYTES), how));
  }
  let crc = 0;
  const parts: Buffer[] = [];
  let size = 0;
  for (let i = 0; i < jobs.length; i++) {
    crc = crcOf(data.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES), crc);
    const part = await jobs[i]!;
    parts.push(part);
    size += part.length;
  }
  return { parts, size, rawSize: data.length, crc };
}

const nanChunks = new Map<string, Promise<Buffer>>();

/**
 * `rows` float64 NaNs (behavior probabilities of rows recorded before the first one
 * known): one chunk is compressed once and repeated, its CRC combined arithmetically.
 */
export async function nanSegment(rows: number, how: PieceCompression): Promise<Segment> {
  const chunkRows = CHUNK_BYTES / 8;
  const key = `${how.strategy}/${how.level}/${how.minSaving}`;
  const raw = Buffer.from(new Float64Array(chunkRows).fill(Number.NaN).buffer);
  let full = nanChunks.get(key);
  if (!full) {
    full = deflateOrStore(raw, how);
    nanChunks.set(key, full);
  }
  const part = await full;
  const wholeCrc = crcOf(raw);
  const parts: Buffer[] = [];
  let size = 0;
  let crc = 0;
  for (let left = rows; left > 0; left -= chunkRows) {
    const seg: Segment =
      left >= chunkRows
        ? { parts: [part], size: part.length, rawSize: CHUNK_BYTES, crc: wholeCrc }
        : await deflateSegment(raw.subarray(0, left * 8), how);
    parts.push(...seg.parts);
    size += seg.size;
    crc = crc32Combine(crc, seg.crc, seg.rawSize);
  }
  return { parts, size, rawSize: rows * 8, crc };
}

/** Segment `a` followed by segment `b` (same member). */
export function joinSegments(a: Segment, b: Segment): Segment {
  return {
    parts: [...a.parts, ...b.parts],
    size: a.size + b.size,
    rawSize: a.rawSize + b.rawSize,
    crc: crc32Combine(a.crc, b.crc, b.rawSize),
  };
}
