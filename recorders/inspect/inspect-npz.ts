import { promisify } from "node:util";
import yauzl from "yauzl";
import { type ArraySummary, perEpisode } from "./summary.js";

const NPY_TYPES: Readonly<Record<string, string>> = {
  "<f4": "float32",
  "<f8": "float64",
  "|b1": "bool",
  "<i8": "int64",
  "<i4": "int32",
  "|u1": "uint8",
  "|i1": "int8",
  "<u8": "uint64",
  "<u4": "uint32",
  "<i2": "int16",
  "<u2": "uint16",
};

/** An .npy member: its dtype and shape from the header, and the element bytes. */
export interface NpyArray {
  readonly dtype: string;
  readonly shape: number[];
  readonly data: Uint8Array;
}

/** Parses an .npy file (format 1.0-3.0): the header's descr and shape, then the data. */
export function parseNpy(buf: Buffer): NpyArray {
  if (buf.readUInt32BE(0) !== 0x934e554d || buf[4] !== 0x50 || buf[5] !== 0x59)
    throw new Error("not an .npy array");
  const major = buf[6]!;
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.subarray(start, start + headerLen).toString("latin1");
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1] ?? "?";
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? "";
  const shape = shapeText
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  return { dtype: NPY_TYPES[descr] ?? descr, shape, data: buf.subarray(start + headerLen) };
}

/**
 * "stored" for a member no smaller than its data (method 0, or deflate's stored blocks, as
 * np.savez and compression level 0 leave it), else "deflate N%" (its size in the archive).
 */
function memberCompression(entry: yauzl.Entry): string {
  if (entry.compressionMethod === 0 || entry.compressedSize >= entry.uncompressedSize) {
    return "stored";
  }
  const pct =
    entry.uncompressedSize > 0 ? (100 * entry.compressedSize) / entry.uncompressedSize : 0;
  return `deflate ${pct < 10 ? pct.toFixed(1) : Math.round(pct)}%`;
}

/** Every array of an .npz, with stats from its episode_ids and rewards. */
export async function inspectNpz(path: string) {
  const open = promisify<string, yauzl.Options, yauzl.ZipFile>(yauzl.open);
  const zip = await open(path, { lazyEntries: true, autoClose: true });
  const arrays = new Map<string, NpyArray>();
  const compression = new Map<string, string>();
  await new Promise<void>((resolve, reject) => {
    zip.on("error", reject);
    zip.on("end", () => resolve());
    zip.on("entry", (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (err, stream) => {
        if (err || !stream) return reject(err ?? new Error(`cannot read ${entry.fileName}`));
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("error", reject);
        stream.on("end", () => {
          const name = entry.fileName.replace(/\.npy$/, "");
          arrays.set(name, parseNpy(Buffer.concat(chunks)));
          compression.set(name, memberCompression(entry));
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
  const summaries: ArraySummary[] = [...arrays].map(([name, a]) => ({
    name,
    shape: a.shape,
    dtype: a.dtype,
    compression: compression.get(name),
  }));
  const ids = arrays.get("episode_ids");
  const rewards = arrays.get("rewards");
  const stats =
    ids && rewards
      ? perEpisode(numbers(ids), numbers(rewards))
      : {
          totalEpisodes: 0,
          totalSteps: arrays.get("states")?.shape[0] ?? 0,
          meanEpisodeLength: 0,
          meanReward: 0,
        };
  return { ...stats, successRate: undefined, arrays: summaries };
}

function numbers(a: NpyArray): ArrayLike<number> {
  const copy = new Uint8Array(a.data);
  switch (a.dtype) {
    case "float32":
      return new Float32Array(copy.buffer);
    case "float64":
      return new Float64Array(copy.buffer);
    case "int64":
      return Float64Array.from(new BigInt64Array(copy.buffer), Number);
    case "int32":
      return new Int32Array(copy.buffer);
    default:
      return copy;
  }
}
