import { DTYPES, type TypedArray } from "../../envs/core/dtype.js";
import type { Column, DecodedEpisode } from "./h5-codec.js";
import type { DatasetOptions, H5File, H5Module } from "./h5-file.js";
import type { H5Format } from "./h5-journal.js";
import { minariSpace, pyJson, type SpaceSpec } from "./h5-spaces.js";

/** Everything a worker needs to (re)build a dataset: the journal's header record. */
export interface DatasetSpec {
  readonly format: H5Format;
  /** The dataset's path (file, or Minari dataset directory). */
  readonly path: string;
  readonly envId: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly policyId: string;
  /** The client's free-form dataset metadata (JSON-safe). */
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly observationSpace: SpaceSpec;
  readonly actionSpace: SpaceSpec;
  /** gzip level of the datasets, 0 for none. */
  readonly gzip: number;
  readonly schemaVersion: string;
  readonly createdAt: string;
  /** The recording process, so recovery leaves a live writer's journal alone. */
  readonly writer?: { readonly pid: number; readonly host: string };
}

/** Dataset statistics (seed 002's), as the worker counts what it wrote. */
export interface H5Stats {
  totalEpisodes: number;
  totalSteps: number;
  returnSum: number;
  successes: number;
  reportedSuccess: number;
}

/** Fresh statistics. */
export function newStats(): H5Stats {
  return { totalEpisodes: 0, totalSteps: 0, returnSum: 0, successes: 0, reportedSuccess: 0 };
}

/** Counts an episode into `s`. */
export function countEpisode(s: H5Stats, ep: DecodedEpisode): void {
  const h = ep.head;
  s.totalEpisodes++;
  s.totalSteps += h.length;
  s.returnSum += h.totalReturn;
  if (h.success !== null) {
    s.reportedSuccess++;
    if (h.success) s.successes++;
  }
}

/** Writes one dataset format into an open HDF5 file (worker thread). */
export interface H5Layout {
  /** Adds one episode. */
  write(ep: DecodedEpisode): void;
  /** Ends a batch: everything written so far is flushed to disk (the file is consistent there). */
  endBatch(): void;
  /** Writes the statistics and closes the file (`recovered`: rebuilt from a journal). */
  finish(recovered: boolean): H5Stats;
  /** Closes the file without finishing it. */
  abort(): void;
}

/** Builds a layout writing `spec`'s dataset into the HDF5 file `h5Path`. */
export type LayoutFactory = (m: H5Module, spec: DatasetSpec, h5Path: string) => H5Layout;

/** Dataset-level attributes every format puts on its root group. */
export function writeRootAttrs(f: H5File, spec: DatasetSpec, format: string): void {
  f.attr("/", "format", format);
  f.attr("/", "schema_version", spec.schemaVersion);
  f.attr("/", "env_id", spec.envId);
  f.attr("/", "policy_id", spec.policyId);
  f.attr("/", "config", JSON.stringify(spec.config));
  f.attr("/", "metadata", JSON.stringify(spec.metadata));
  f.attr("/", "observation_space", pyJson(minariSpace(spec.observationSpace)));
  f.attr("/", "action_space", pyJson(minariSpace(spec.actionSpace)));
  f.attr("/", "created_at", spec.createdAt);
}

/** Writes seed 002's dataset statistics as root attributes. */
export function writeStatsAttrs(f: H5File, s: H5Stats, recovered: boolean): void {
  f.attr("/", "total_episodes", { int: s.totalEpisodes }, true);
  f.attr("/", "total_steps", { int: s.totalSteps }, true);
  f.attr("/", "mean_episode_length", s.totalEpisodes ? s.totalSteps / s.totalEpisodes : 0, true);
  f.attr("/", "mean_reward", s.totalEpisodes ? s.returnSum / s.totalEpisodes : 0, true);
  f.attr(
    "/",
    "success_rate",
    s.reportedSuccess ? s.successes / s.reportedSuccess : Number.NaN,
    true,
  );
  // 0/1 integers: bool attributes stay off the root group, whose attributes may be in dense storage.
  f.attr("/", "complete", { int: 1 }, true);
  f.attr("/", "recovered", { int: recovered ? 1 : 0 }, true);
}

/** Creates the groups along `path` below `base` that do not exist yet (tracked in `made`). */
export function ensureGroups(
  f: H5File,
  base: string,
  path: readonly string[],
  made: Set<string>,
): void {
  let p = base;
  for (const part of path.slice(0, -1)) {
    p = `${p}/${part}`;
    if (!made.has(p)) {
      f.group(p);
      made.add(p);
    }
  }
}

/** The HDF5 path of a column's leaf: `base`, or `base/<path>` below a group. */
export function leafPath(base: string, path: readonly string[]): string {
  return path.length ? `${base}/${path.join("/")}` : base;
}

/** Rows [from, to) of a column (a view; strings are sliced). */
export function rowsOf(c: Column, from: number, to: number): TypedArray | readonly string[] {
  if (c.dtype === "string") return (c.strings ?? []).slice(from, to);
  const width = c.shape.slice(1).reduce((a, b) => a * b, 1);
  return c.data!.subarray(from * width, to * width);
}

/** Writes a column's rows [from, to) as a new dataset at `path`. */
export function writeColumn(
  f: H5File,
  path: string,
  c: Column,
  from: number,
  to: number,
  opts: DatasetOptions,
): void {
  f.dataset(path, c.dtype, [to - from, ...c.shape.slice(1)], rowsOf(c, from, to), opts);
}

/**
 * Writes columns of one role below `base`: a single dataset at `base` for
 * a flat space, else a group with a dataset per leaf.
 */
export function writeSpaceColumns(
  f: H5File,
  base: string,
  cols: readonly Column[],
  from: number,
  to: number,
  opts: DatasetOptions,
): void {
  const made = new Set<string>();
  const nested = cols.length !== 1 || (cols[0]?.path.length ?? 0) > 0;
  if (nested) {
    f.group(base);
    made.add(base);
  }
  for (const c of cols) {
    ensureGroups(f, base, c.path, made);
    writeColumn(f, leafPath(base, c.path), c, from, to, opts);
  }
}

/** A typed array of `n` rows of the default value of a column's dtype (NaN, 0, 255 for was_exploratory). */
export function defaultRows(
  c: Pick<Column, "dtype" | "role">,
  n: number,
  width: number,
): TypedArray {
  const dtype = c.dtype === "string" ? "uint8" : c.dtype;
  const arr = new DTYPES[dtype].ctor(n * width);
  if (DTYPES[dtype].kind === "f") (arr as Float64Array).fill(Number.NaN);
  if (c.role === "was_exploratory") (arr as Uint8Array).fill(255);
  return arr;
}
