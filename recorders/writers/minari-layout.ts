import {
  closeSync,
  fsyncSync,
  openSync,
  readdirSync,
  renameSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, join } from "node:path";
import type { Column, ColumnRole, DecodedEpisode } from "./h5-codec.js";
import { H5File, type H5Module } from "./h5-file.js";
import {
  countEpisode,
  type DatasetSpec,
  ensureGroups,
  type H5Layout,
  type H5Stats,
  leafPath,
  newStats,
  writeColumn,
  writeRootAttrs,
  writeSpaceColumns,
  writeStatsAttrs,
} from "./h5-layout.js";
import { minariSpace, type PyValue, pyJson } from "./h5-spaces.js";

/**
 * The dataset version written to metadata.json: Minari checks it against its
 * `supported_dataset_versions` (exact strings). "0.5.0" is the first version
 * of this layout (metadata.json beside main_data.hdf5), accepted by Minari
 * 0.5.0 through at least 0.5.4.
 */
export const MINARI_DATASET_VERSION = "0.5.0";

/** A Minari dataset directory's HDF5 file. */
export function minariH5Path(dir: string): string {
  return join(dir, "data", "main_data.hdf5");
}

/** A Minari dataset directory's metadata file. */
export function minariMetadataPath(dir: string): string {
  return join(dir, "data", "metadata.json");
}

/** Minari's get_size(): MB (10^6 bytes) of every file below the data directory, rounded to 0.1. */
function dataSizeMb(dataDir: string): number {
  let bytes = 0;
  for (const e of readdirSync(dataDir, { withFileTypes: true, recursive: true })) {
    // Temporary files (an atomic rewrite, a recovery in progress) are not the dataset's.
    if (e.isFile() && !/\.(tmp|recovering)$/.test(e.name))
      bytes += statSync(join(e.parentPath ?? dataDir, e.name)).size;
  }
  return Math.round(bytes / 1e5) / 10;
}

/** metadata.json as Minari's DataCollector.create_dataset writes it, keys in its order. */
export function minariMetadata(
  spec: DatasetSpec,
  episodes: number,
  steps: number,
  sizeMb: number,
): string {
  const md = spec.metadata;
  const str = (k: string) => (typeof md[k] === "string" ? (md[k] as string) : undefined);
  const set = (k: string): PyValue | undefined => {
    const v = md[k];
    if (typeof v === "string") return [v];
    return Array.isArray(v) && v.every((x) => typeof x === "string") ? (v as string[]) : undefined;
  };
  const num = (k: string) => (typeof md[k] === "number" ? { pyFloat: md[k] as number } : undefined);
  const entries: [string, PyValue | undefined][] = [
    ["total_episodes", episodes],
    ["total_steps", steps],
    ["data_format", "hdf5"],
    ["jpeg_encoding", false],
    ["observation_space", pyJson(minariSpace(spec.observationSpace))],
    ["action_space", pyJson(minariSpace(spec.actionSpace))],
    ["env_spec", str("env_spec")],
    ["dataset_size", { pyFloat: sizeMb }],
    ["dataset_id", str("dataset_id") ?? basename(spec.path)],
    ["code_permalink", str("code_permalink")],
    ["author", set("author")],
    ["author_email", set("author_email")],
    ["algorithm_name", str("algorithm_name")],
    ["description", str("description") ?? `Recorded by gymrpc from ${spec.envId}`],
    ["minari_version", MINARI_DATASET_VERSION],
    ["eval_env_spec", str("eval_env_spec")],
    ["requirements", set("requirements")],
    ["ref_min_score", num("ref_min_score")],
    ["ref_max_score", num("ref_max_score")],
  ];
  return pyJson({ pyEntries: entries.filter((e): e is [string, PyValue] => e[1] !== undefined) });
}

/** Writes `text` to `path` atomically (temporary file, then rename), fsync'd when `durable`. */
function writeAtomic(path: string, text: string, durable: boolean): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, text);
  if (durable) {
    const fd = openSync(tmp, "r");
    fsyncSync(fd);
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** Minari's HDF5 storage layout (see minari-writer.ts), written in the worker. */
export function minariLayout(m: H5Module, spec: DatasetSpec, h5Path: string): H5Layout {
  const f = H5File.create(m, h5Path);
  const stats: H5Stats = newStats();
  // Chunked and extendable even uncompressed, as Minari's own files are.
  const gzip = { gzip: spec.gzip };
  const dataDir = join(spec.path, "data");
  writeRootAttrs(f, spec, "gymrpc.minari");

  const write = (ep: DecodedEpisode): void => {
    const T = ep.meta.length;
    // Minari has no empty episodes (its ids must be 0..n-1 with data).
    if (T === 0) return;
    const n = stats.totalEpisodes;
    const g = `/episode_${n}`;
    const byRole = (role: ColumnRole): Column[] => ep.columns.filter((c) => c.role === role);
    f.group(g);
    writeSpaceColumns(f, `${g}/observations`, byRole("obs"), 0, T + 1, gzip);
    writeSpaceColumns(f, `${g}/actions`, byRole("act"), 0, T, gzip);
    const rewards = byRole("rewards")[0]!;
    writeColumn(f, `${g}/rewards`, rewards, 0, T, gzip);
    const term = byRole("terminations")[0]!;
    writeColumn(f, `${g}/terminations`, term, 0, T, gzip);
    // As DataCollector does: an episode that ends without either flag is truncated.
    const trunc = byRole("truncations")[0]!;
    const flags = Uint8Array.from(trunc.data as Uint8Array);
    if (!term.data![T - 1] && !flags[T - 1]) flags[T - 1] = 1;
    f.dataset(`${g}/truncations`, "bool", [T], flags, gzip);
    f.group(`${g}/infos`);
    const made = new Set([`${g}/infos`]);
    for (const c of byRole("info")) {
      ensureGroups(f, `${g}/infos`, c.path, made);
      writeColumn(f, leafPath(`${g}/infos`, c.path), c, 0, T + 1, gzip);
    }
    const meta = ep.meta;
    const r = rewards.data as Float64Array;
    let sum = 0;
    let max = -Infinity;
    let min = Infinity;
    for (const v of r) {
      sum += v;
      max = Math.max(max, v);
      min = Math.min(min, v);
    }
    const mean = sum / T;
    let sq = 0;
    for (const v of r) sq += (v - mean) ** 2;
    f.attr(g, "id", { int: n });
    if (meta.seed !== null) f.attr(g, "seed", { int: meta.seed });
    f.attr(g, "total_steps", { int: T });
    f.attr(g, "rewards_sum", sum);
    f.attr(g, "rewards_mean", mean);
    f.attr(g, "rewards_std", Math.sqrt(sq / T));
    f.attr(g, "rewards_max", max);
    f.attr(g, "rewards_min", min);
    f.attr(g, "gymrpc/episode_id", { int: meta.episodeId });
    f.attr(g, "gymrpc/policy_id", meta.policyId);
    f.attr(g, "gymrpc/termination_reason", meta.terminationReason);
    f.attr(g, "gymrpc/trajectory_hash", meta.trajectoryHash);
    if (meta.success !== null) f.attr(g, "gymrpc/success", meta.success);
    countEpisode(stats, ep);
  };

  const metadata = (durable: boolean) =>
    writeAtomic(
      minariMetadataPath(spec.path),
      minariMetadata(spec, stats.totalEpisodes, stats.totalSteps, dataSizeMb(dataDir)),
      durable,
    );

  return {
    write,
    endBatch: () => {
      f.flush();
      metadata(false);
    },
    finish: (recovered) => {
      writeStatsAttrs(f, stats, recovered);
      f.close();
      metadata(true);
      return stats;
    },
    abort: () => f.close(),
  };
}
