import { mkdtemp, open, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inflateRawSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JournalRange } from "../../recorders/writers/npz-assemble.js";
import {
  PieceBuffers,
  readPieceInto,
  readRangesInto,
} from "../../recorders/writers/npz-piece-reader.js";
import { FINAL_BLOCK, storedSize } from "../../recorders/writers/npz-zip.js";

let dir = "";
let path = "";
/** 4 MiB of bytes that differ from their neighbours (the file read from). */
const file = Buffer.from(Uint32Array.from({ length: 1 << 20 }, (_, i) => i * 2654435761).buffer);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "gymrpc-piece-reader-"));
  path = join(dir, "journal");
  await writeFile(path, file);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The bytes of `ranges` of the file, concatenated. */
const expected = (ranges: readonly JournalRange[]) =>
  Buffer.concat(ranges.map(([at, len]) => file.subarray(at, at + len)));

describe("npz piece reader", () => {
  // Gaps of 1 byte and 64 KiB are read through; 64 KiB + 1 and 1 MiB are not.
  const ranges: JournalRange[] = [
    [10, 100_000],
    [100_011, 70_000],
    [170_011 + 65_536, 5],
    [170_011 + 65_536 + 5 + 65_537, 300_000],
    [2_000_000, 123_457],
  ];
  const total = ranges.reduce((n, [, len]) => n + len, 0);

  it("reads ranges, some a gap apart, into targets cut anywhere", async () => {
    const fh = await open(path, "r");
    try {
      for (const cuts of [[total], [1, total - 1], [65_535, 65_535, 65_535, total - 3 * 65_535]]) {
        const targets = cuts.map((n) => Buffer.alloc(n));
        await readRangesInto(fh, ranges, targets);
        expect(Buffer.concat(targets).equals(expected(ranges))).toBe(true);
      }
      await expect(readRangesInto(fh, ranges, [Buffer.alloc(total - 1)])).rejects.toThrow(
        /more bytes than the piece/,
      );
      await expect(readRangesInto(fh, ranges, [Buffer.alloc(total + 1)])).rejects.toThrow(
        /fewer bytes than the piece/,
      );
      await expect(
        readRangesInto(fh, [[file.length - 10, 20]], [Buffer.alloc(20)]),
      ).rejects.toThrow(/file ends/);
    } finally {
      await fh.close();
    }
  });

  it("frames a stored piece as stored deflate blocks around its journal bytes, and copies a compressed one as it is", async () => {
    const fh = await open(path, "r");
    try {
      const raw = total;
      const buf = Buffer.alloc(storedSize(raw) + 100, 0xee);
      const framed = await readPieceInto(buf, { raw, ranges }, fh, fh);
      expect(framed.length).toBe(storedSize(raw));
      const stream = Buffer.concat([framed, FINAL_BLOCK]);
      expect(inflateRawSync(stream).equals(expected(ranges))).toBe(true);
      const copied = await readPieceInto(buf, { raw: 0, at: 4096, length: 5000 }, fh, fh);
      expect(copied.equals(file.subarray(4096, 9096))).toBe(true);
    } finally {
      await fh.close();
    }
  });

  it("PieceBuffers hands out at most `count` buffers, then waits for one to come back", async () => {
    const pool = new PieceBuffers(1024, 2);
    const a = await pool.take(1000);
    const b = await pool.take(1024);
    expect(a).not.toBe(b);
    let third: Buffer | undefined;
    const waiting = pool.take(256).then((buf) => {
      third = buf;
    });
    await new Promise((r) => setImmediate(r));
    expect(third).toBeUndefined();
    pool.give(a);
    await waiting;
    expect(third).toBe(a);
    // Under a quarter of the pool's size, or bigger than it: a one-off buffer, at once, never kept.
    const small = await pool.take(255);
    expect(small.length).toBe(255);
    const big = await pool.take(4096);
    expect(big.length).toBe(4096);
    pool.give(small);
    pool.give(big);
    pool.give(b);
    expect(await pool.take(512)).toBe(b);
  });
});
