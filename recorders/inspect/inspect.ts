import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { formatFromName } from "../output-path.js";
import { sizeOf } from "../recorder.js";
import { inspectH5 } from "./inspect-h5.js";
import { inspectJsonl } from "./inspect-jsonl.js";
import { inspectNpz } from "./inspect-npz.js";
import type { DatasetSummary } from "./summary.js";

/** Stats and a shape/dtype summary of any dataset gymrpc writes (file, or Minari directory). */
export async function inspectDataset(target: string): Promise<DatasetSummary> {
  const path = resolve(target);
  if (!existsSync(path)) throw new Error(`no dataset at ${path}`);
  const dir = statSync(path).isDirectory();
  const format = dir ? "minari" : formatFromName(path);
  const body =
    format === "npz"
      ? await inspectNpz(path)
      : format === "jsonl" || format === "jsonl.gz"
        ? await inspectJsonl(path)
        : format === "hdf5" || format === "d4rl"
          ? await inspectH5(path)
          : format === "minari"
            ? await inspectH5(minariFile(path))
            : undefined;
  if (!body)
    throw new Error(
      `cannot tell the format of ${path}: expected .npz, .jsonl(.gz), .h5 or a Minari directory`,
    );
  return { path, format: format!, fileSizeMb: (await sizeOf(path)) / (1024 * 1024), ...body };
}

function minariFile(dir: string): string {
  const file = join(dir, "data", "main_data.hdf5");
  if (!existsSync(file)) throw new Error(`${dir} is not a Minari dataset: no data/main_data.hdf5`);
  return file;
}

/** The summary as the seed's stats table followed by one line per array. */
export function formatSummary(s: DatasetSummary): string {
  const rows: [string, string][] = [
    ["Format", s.format],
    ["Episodes", String(s.totalEpisodes)],
    ["Total steps", String(s.totalSteps)],
    ["Mean length", s.meanEpisodeLength.toFixed(1)],
    ["Mean reward", s.meanReward.toFixed(2)],
    ["Success rate", s.successRate === undefined ? "n/a" : `${(s.successRate * 100).toFixed(1)}%`],
    ["File size", `${s.fileSizeMb.toFixed(2)} MB`],
    ["Output path", s.path],
  ];
  const width = Math.max(...s.arrays.map((a) => a.name.length), 10);
  return [
    ...rows.map(([k, v]) => `${`${k}:`.padEnd(15)}${v}`),
    "",
    ...s.arrays.map(
      (a) =>
        `  ${a.name.padEnd(width)}  ${`(${a.shape.join(", ")}${a.shape.length === 1 ? "," : ""})`.padEnd(18)} ${a.compression ? `${a.dtype.padEnd(8)} ${a.compression}` : a.dtype}`,
    ),
  ].join("\n");
}
