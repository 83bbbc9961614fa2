import { createRequire } from "node:module";
import { crc32 as zlibCrc32 } from "node:zlib";

/** CRC-32 (zip's, zlib's) of `data`, continuing from `previous` (the CRC of the bytes before it). */
export type Crc32 = (data: Uint8Array, previous?: number) => number;

/**
 * @node-rs/crc32 (SIMD: ~10 GB/s here against Node 20 zlib's ~3.5 GB/s, the same values)
 * when its prebuilt binary loads on this platform, else zlib's. The recording thread
 * CRCs every journaled byte: alternating processes, npz 2.83M -> 3.08M and D4RL 3.32M ->
 * 3.46M transitions/s (60 and 20 passes each).
 */
function load(): { readonly crc32: Crc32; readonly implementation: "simd" | "zlib" } {
  try {
    const native = createRequire(import.meta.url)("@node-rs/crc32") as {
      crc32(input: Uint8Array, initialState?: number): number;
    };
    // Checked once against zlib, so a broken binary falls back rather than corrupting files.
    const probe = Buffer.from("gymrpc crc-32 probe");
    if (native.crc32(probe, 7) === zlibCrc32(probe, 7)) {
      return {
        crc32: (data, previous = 0) => native.crc32(data, previous),
        implementation: "simd",
      };
    }
  } catch {
    // No prebuilt binary for this platform: zlib's is correct, only slower.
  }
  return { crc32: (data, previous = 0) => zlibCrc32(data, previous), implementation: "zlib" };
}

const loaded = load();

/** CRC-32 of `data` after `previous`: the SIMD implementation where it loads, else zlib's. */
export const crc32: Crc32 = loaded.crc32;

/** Which CRC-32 implementation `crc32` is (the bench prints it). */
export const crc32Implementation: "simd" | "zlib" = loaded.implementation;
