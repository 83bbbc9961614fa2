import { constants, deflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { estimateRleDeflatedSize } from "../../recorders/writers/rle-deflate-estimate.js";

/** The npz writer's zlib settings for its Z_RLE members (npz-compress.ts). */
const ZLIB = {
  level: 1,
  strategy: constants.Z_RLE,
  memLevel: 9,
  finishFlush: constants.Z_SYNC_FLUSH,
};

const N = 1 << 16;
let seed = 7;
const rand = () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 2 ** 32;
};
const bytesOf = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** Data of the shapes npz members hold, with how close the estimate must come (fraction of the input). */
const CASES: [string, Buffer, number][] = [
  ["uniform float32", bytesOf(Float32Array.from({ length: N }, () => rand() - 0.5)), 0.005],
  [
    "random-walk float32 in [0, 1]",
    bytesOf(
      (() => {
        let u = 0.5;
        return Float32Array.from(
          { length: N },
          () => (u = Math.min(1, Math.max(0, u + (rand() - 0.5) * 0.1))),
        );
      })(),
    ),
    0.005,
  ],
  ["random bytes", bytesOf(Uint8Array.from({ length: 4 * N }, () => rand() * 256)), 0.005],
  [
    "mostly-zero float32",
    bytesOf(Float32Array.from({ length: N }, (_, i) => (i % 12 >= 10 ? rand() : 0))),
    0.01,
  ],
  [
    "bools, 2% set",
    bytesOf(Uint8Array.from({ length: 4 * N }, () => (rand() < 0.02 ? 1 : 0))),
    0.01,
  ],
  [
    "small integers as float32",
    bytesOf(Float32Array.from({ length: N }, () => Math.floor(rand() * 5))),
    0.01,
  ],
  ["long constant runs", bytesOf(Float32Array.from({ length: N }, (_, i) => i >> 10)), 0.03],
];

describe("estimateRleDeflatedSize", () => {
  it.each(CASES)("comes close to zlib's Z_RLE output: %s", (_, data, tolerance) => {
    const real = deflateRawSync(data, ZLIB).length;
    const estimate = estimateRleDeflatedSize(data);
    expect(Math.abs(estimate - real) / data.length).toBeLessThan(tolerance);
  });

  it("tells the 1/8 rule's two sides apart: uniform floats save less, mostly-zero floats far more", () => {
    const [, uniform] = CASES[0]!;
    const [, sparse] = CASES[3]!;
    expect(estimateRleDeflatedSize(uniform) / uniform.length).toBeGreaterThan(0.875);
    expect(estimateRleDeflatedSize(sparse) / sparse.length).toBeLessThan(0.5);
  });

  it("gives the same figure for the same bytes whether or not they are word-aligned", () => {
    for (const [, data] of CASES) {
      const shifted = Buffer.alloc(data.length + 1).subarray(1);
      data.copy(shifted);
      const aligned = estimateRleDeflatedSize(data);
      // The word path misses only runs of 4-6 bytes across two words: within 0.05%.
      expect(Math.abs(estimateRleDeflatedSize(shifted) - aligned) / data.length).toBeLessThan(
        0.0005,
      );
    }
  });

  it("counts a block that starts with a run exactly as the byte path does (no word before the first)", () => {
    for (const data of [Buffer.alloc(16), Buffer.from([0, 0, 0, 0, 1, 2, 3, 4, 5, 5, 5, 5])]) {
      const shifted = Buffer.alloc(data.length + 1).subarray(1);
      data.copy(shifted);
      expect(estimateRleDeflatedSize(data)).toBe(estimateRleDeflatedSize(shifted));
    }
  });

  it("takes long runs a word at a time to the same figure as byte by byte", () => {
    // Runs of every length around MAX_RUN (258) and the word boundaries, each after a literal.
    const parts: number[] = [];
    for (let len = 250; len < 270; len++) parts.push(len % 7, ...new Array<number>(len).fill(9));
    const data = Buffer.from(parts.slice(0, parts.length & ~3));
    const shifted = Buffer.alloc(data.length + 1).subarray(1);
    data.copy(shifted);
    expect(estimateRleDeflatedSize(data)).toBe(estimateRleDeflatedSize(shifted));
  });

  it("estimates nothing as nearly nothing, and refuses a block size that is not positive", () => {
    expect(estimateRleDeflatedSize(new Uint8Array(0))).toBe(0);
    expect(() => estimateRleDeflatedSize(new Uint8Array(4), 0)).toThrow(/blockBytes/);
  });
});
