import { randomBytes } from "node:crypto";
import { crc32 as zlibCrc32 } from "node:zlib";
import { describe, expect, it } from "vitest";
import { crc32, crc32Implementation } from "../../recorders/writers/crc32.js";

describe("crc32", () => {
  it("gives zlib's values: whole, chained over pieces, from an unaligned view, empty", () => {
    const data = randomBytes(300_001);
    expect(crc32(data)).toBe(zlibCrc32(data));
    let ours = 0;
    let theirs = 0;
    for (let o = 0; o < data.length; o += 7_777) {
      const piece = data.subarray(o, o + 7_777);
      ours = crc32(piece, ours);
      theirs = zlibCrc32(piece, theirs);
    }
    expect(ours).toBe(theirs);
    expect(ours).toBe(zlibCrc32(data));
    const view = new Uint8Array(data.buffer, data.byteOffset + 3, 1_001);
    expect(crc32(view, 12_345)).toBe(zlibCrc32(view, 12_345));
    expect(crc32(new Uint8Array(0), 99)).toBe(99);
  });

  // npm installs @node-rs/crc32's prebuilt binary for linux-x64 (glibc), where CI runs.
  it.runIf(process.platform === "linux" && process.arch === "x64")(
    "uses the SIMD implementation where its binary is installed",
    () => {
      expect(crc32Implementation).toBe("simd");
    },
  );
});
