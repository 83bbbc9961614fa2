import { promisify } from "node:util";
import { constants, deflateRaw, inflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  deflatePiece,
  deflateSampledPiece,
  deflateSegment,
  PIECE_SAMPLE_BYTES,
  takeSample,
} from "../../recorders/writers/npz-compress.js";
import { CAN_SCHED_IDLE, SCHED_IDLE, threadScheduling } from "../helpers/thread-scheduling.js";

const zlib = promisify(deflateRaw);
const how = { level: 1, strategy: constants.Z_RLE, minSaving: 0.125 };
const zlibOpts = {
  level: 1,
  strategy: constants.Z_RLE,
  memLevel: 9,
  finishFlush: constants.Z_SYNC_FLUSH,
  chunkSize: 256 << 10,
};

/** 1 MiB of uniform float32 noise in [-0.5, 0.5): level 1 saves a little, under 1/8. */
function noise(): Buffer {
  let seed = 7;
  return Buffer.from(
    Float32Array.from({ length: 1 << 18 }, () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32 - 0.5;
    }).buffer,
  );
}

describe("deflatePiece with minSaving", () => {
  it("says 'store' (undefined) for what a sample says deflate would not shrink by minSaving, deflates the rest as zlib does", async () => {
    const floats = noise();
    const runs = Buffer.from(Float32Array.from({ length: 1 << 18 }, (_, i) => i >> 10).buffer);
    // The premise: level 1 saves something on uniform floats, less than 1/8.
    const saving = 1 - (await zlib(floats, zlibOpts)).length / floats.length;
    expect(saving).toBeGreaterThan(0.02);
    expect(saving).toBeLessThan(0.125);
    expect(await deflatePiece(floats, how)).toBeUndefined();
    const kept = await deflatePiece(runs, how);
    expect(kept?.equals(await zlib(runs, zlibOpts))).toBe(true);
    expect(kept!.length).toBeLessThan(runs.length / 2);
    // minSaving 0 deflates everything.
    const all = await deflatePiece(floats, { ...how, minSaving: 0 });
    expect(all?.equals(await zlib(floats, zlibOpts))).toBe(true);
    // A piece under 4 samples' worth is judged by its sample under Z_RLE (the model is
    // cheap), deflated unjudged otherwise.
    const small = floats.subarray(0, 200_000);
    expect(await deflatePiece(small, how)).toBeUndefined();
    const lz = { ...how, strategy: constants.Z_DEFAULT_STRATEGY };
    const lzOpts = { ...zlibOpts, strategy: constants.Z_DEFAULT_STRATEGY };
    expect((await deflatePiece(small, lz))?.equals(await zlib(small, lzOpts))).toBe(true);
    const smallRuns = runs.subarray(0, 200_000);
    expect((await deflatePiece(smallRuns, how))?.equals(await zlib(smallRuns, zlibOpts))).toBe(
      true,
    );
  });

  it("judges a short Z_RLE piece on its sample: noise where the sample's slices lie, zeros elsewhere, is stored", async () => {
    const length = 200_000;
    const piece = Buffer.alloc(length);
    const noisy = noise();
    // The sample's four 16 KiB slices, spread over the piece, hold noise.
    for (let i = 0, step = Math.floor((length - 16_384) / 3); i < 4; i++) {
      noisy.copy(piece, i * step, i * 16_384, (i + 1) * 16_384);
    }
    const sample = Buffer.alloc(PIECE_SAMPLE_BYTES);
    takeSample(sample, piece, 0, length);
    expect(sample.equals(noisy.subarray(0, PIECE_SAMPLE_BYTES))).toBe(true);
    // Whole, it would save far more than 1/8 (two thirds is zeros); its sample is noise.
    expect((await zlib(piece, zlibOpts)).length).toBeLessThan(length / 2);
    expect(await deflatePiece(piece, how)).toBeUndefined();
  });

  it("deflateSegment frames a stored piece as stored blocks: it inflates to the data", async () => {
    const floats = noise();
    const seg = await deflateSegment(floats, how);
    expect(seg.size).toBeGreaterThan(floats.length);
    const stream = Buffer.concat([...seg.parts, Buffer.from([0x03, 0x00])]);
    expect(inflateRawSync(stream).equals(floats)).toBe(true);
  });

  it("a sample taken as a piece's bytes go by, in any cuts, is the sample of the whole piece", () => {
    const floats = noise();
    const whole = Buffer.alloc(PIECE_SAMPLE_BYTES);
    takeSample(whole, floats, 0, floats.length);
    expect(whole.equals(Buffer.alloc(PIECE_SAMPLE_BYTES))).toBe(false);
    for (const cut of [1, 4095, 16_384, 100_000, 700_001]) {
      const bit = Buffer.alloc(PIECE_SAMPLE_BYTES);
      for (let at = 0; at < floats.length; at += cut) {
        takeSample(bit, floats.subarray(at, at + cut), at, floats.length);
      }
      expect(bit.equals(whole)).toBe(true);
    }
  });

  it("deflateSampledPiece refuses a piece too short to be sampled", () => {
    const sample = Buffer.alloc(PIECE_SAMPLE_BYTES);
    expect(() => deflateSampledPiece(100_000, sample, async () => sample, how)).toThrow(
      /sampled piece holds/,
    );
  });

  it("deflateSampledPiece loads a piece's bytes only to deflate them", async () => {
    const runs = Buffer.from(Float32Array.from({ length: 1 << 18 }, (_, i) => i >> 10).buffer);
    for (const [data, loads] of [
      [noise(), 0],
      [runs, 1],
    ] as const) {
      const sample = Buffer.alloc(PIECE_SAMPLE_BYTES);
      takeSample(sample, data, 0, data.length);
      let loaded = 0;
      const load = async () => {
        loaded++;
        return data;
      };
      const piece = await deflateSampledPiece(data.length, sample, load, how);
      expect(loaded).toBe(loads);
      expect(piece === undefined ? undefined : piece.equals(await zlib(data, zlibOpts))).toBe(
        loads === 0 ? undefined : true,
      );
    }
  });
});

/** Threads of this process under Linux's SCHED_IDLE policy. */
const idleThreads = () => threadScheduling().filter((t) => t.policy === SCHED_IDLE).length;

describe("where pieces are deflated", () => {
  // SCHED_IDLE is set with util-linux's chrt (deflate-pool.ts); without it every pool is nice 19 only.
  it.runIf(CAN_SCHED_IDLE)(
    "a recording's background piece on a SCHED_IDLE thread; a closing dataset's, or a waited-for one, not",
    async () => {
      const data = Buffer.alloc(200_000, 3);
      const before = idleThreads();
      for (const closing of [undefined, () => true]) {
        const piece = await deflatePiece(data, { ...how, minSaving: 0 }, closing);
        expect(inflateRawSync(piece!, { finishFlush: constants.Z_SYNC_FLUSH }).equals(data)).toBe(
          true,
        );
      }
      expect(idleThreads()).toBe(before);
      const piece = await deflatePiece(data, { ...how, minSaving: 0 }, () => false);
      expect(inflateRawSync(piece!, { finishFlush: constants.Z_SYNC_FLUSH }).equals(data)).toBe(
        true,
      );
      expect(idleThreads()).toBe(before + 1);
    },
  );
});
