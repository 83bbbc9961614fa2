import { DTYPES, type DtypeName, type TypedArray } from "../../envs/core/dtype.js";
import type { Column, ColumnRole, DecodedEpisode } from "./h5-codec.js";
import { H5File, type H5Module } from "./h5-file.js";
import {
  countEpisode,
  type DatasetSpec,
  defaultRows,
  ensureGroups,
  type H5Layout,
  type H5Stats,
  leafPath,
  newStats,
  rowsOf,
  writeRootAttrs,
  writeStatsAttrs,
} from "./h5-layout.js";

/** Rows per chunk of a flat dataset: about 64 KiB (appends rewrite at most one partial chunk). */
const CHUNK_BYTES = 64 * 1024;

interface Flat {
  readonly path: string;
  readonly dtype: DtypeName;
  readonly rowShape: readonly number[];
  readonly role: ColumnRole;
  /** Rows on disk. */
  written: number;
  created: boolean;
  parts: TypedArray[];
}

function toFloat32(a: TypedArray): Float32Array {
  if (a instanceof Float32Array) return a;
  if (a instanceof BigInt64Array || a instanceof BigUint64Array)
    return Float32Array.from(a, Number);
  return Float32Array.from(a as ArrayLike<number>);
}

/** D4RL's flat layout (see d4rl-writer.ts), written in the worker. */
export function d4rlLayout(m: H5Module, spec: DatasetSpec, h5Path: string): H5Layout {
  const f = H5File.create(m, h5Path);
  const stats: H5Stats = newStats();
  const flats = new Map<string, Flat>();
  const groups = new Set<string>();
  let rows = 0;
  writeRootAttrs(f, spec, "gymrpc.d4rl");
  f.group("/episodes");
  groups.add("/episodes");

  const push = (
    path: string,
    dtype: DtypeName,
    rowShape: readonly number[],
    role: ColumnRole,
    data: TypedArray,
  ) => {
    let flat = flats.get(path);
    if (!flat) {
      flat = { path, dtype, rowShape, role, written: 0, created: false, parts: [] };
      flats.set(path, flat);
      const width = rowShape.reduce((a, b) => a * b, 1);
      // A column first seen now is backfilled with its default for the rows before.
      if (rows > 0) flat.parts.push(defaultRows({ dtype, role }, rows, width));
    }
    flat.parts.push(data);
  };

  const write = (ep: DecodedEpisode): void => {
    const T = ep.meta.length;
    const meta = ep.meta;
    const seen = new Set<string>();
    const add = (path: string, dtype: DtypeName, c: Column | undefined, data: TypedArray) => {
      const rowShape = c ? c.shape.slice(1) : [];
      push(path, dtype, rowShape, c?.role ?? "rewards", data);
      seen.add(path);
    };
    if (T > 0) {
      for (const c of ep.columns) {
        if (c.dtype === "string") continue;
        const role = c.role;
        if (role === "obs") {
          add(
            leafPath("/observations", c.path),
            "float32",
            c,
            toFloat32(rowsOf(c, 0, T) as TypedArray),
          );
          add(
            leafPath("/next_observations", c.path),
            "float32",
            c,
            toFloat32(rowsOf(c, 1, T + 1) as TypedArray),
          );
        } else if (role === "act" || role === "greedy") {
          const base = role === "act" ? "/actions" : "/greedy_actions";
          add(leafPath(base, c.path), "float32", c, toFloat32(rowsOf(c, 0, T) as TypedArray));
        } else if (role === "info") {
          add(leafPath("/infos", c.path), c.dtype, c, rowsOf(c, 1, T + 1) as TypedArray);
        } else if (role === "rewards" || role === "returns_to_go") {
          add(`/${role}`, "float32", c, toFloat32(c.data!));
        } else if (role === "terminations") {
          add("/terminals", "bool", c, c.data!);
        } else if (role === "truncations") {
          // An episode cut short by the recording (neither flag set) still ends here: mark it a timeout.
          const last = ep.columns.find((x) => x.role === "terminations")?.data?.[T - 1];
          const timeouts = Uint8Array.from(c.data! as Uint8Array);
          if (!last && !timeouts[T - 1]) timeouts[T - 1] = 1;
          add("/timeouts", "bool", c, timeouts);
        } else {
          add(`/${role}`, c.dtype, c, c.data!);
        }
      }
      // Columns this episode lacks get their default.
      for (const flat of flats.values()) {
        if (seen.has(flat.path) || flat.path.startsWith("/episodes/")) continue;
        const width = flat.rowShape.reduce((a, b) => a * b, 1);
        flat.parts.push(defaultRows(flat, T, width));
      }
    }
    const episode: [string, DtypeName, number][] = [
      ["id", "int64", meta.episodeId],
      ["start", "int64", rows],
      ["length", "int64", T],
      ["seed", "int64", meta.seed ?? -1],
      ["total_return", "float64", meta.totalReturn],
      ["success", "int8", meta.success === null ? -1 : meta.success ? 1 : 0],
    ];
    for (const [name, dtype, v] of episode) {
      const arr = new DTYPES[dtype].ctor(1);
      (arr as unknown as (number | bigint)[])[0] = dtype === "int64" ? BigInt(v) : v;
      push(`/episodes/${name}`, dtype, [], "rewards", arr);
    }
    rows += T;
    countEpisode(stats, ep);
  };

  const endBatch = (): void => {
    for (const flat of flats.values()) {
      if (!flat.parts.length) continue;
      const parts = flat.parts;
      flat.parts = [];
      const width = flat.rowShape.reduce((a, b) => a * b, 1);
      if (!flat.created) {
        ensureGroups(f, "", flat.path.slice(1).split("/"), groups);
        const rowBytes = DTYPES[flat.dtype].itemSize * width;
        const chunkRows = Math.max(1, Math.floor(CHUNK_BYTES / Math.max(1, rowBytes)));
        f.dataset(flat.path, flat.dtype, [0, ...flat.rowShape], undefined, {
          gzip: spec.gzip,
          chunkRows,
        });
        flat.created = true;
      }
      flat.written += f.appendParts(flat.path, parts, flat.written, flat.rowShape);
    }
    f.flush();
  };

  return {
    write,
    endBatch,
    finish: (recovered) => {
      endBatch();
      writeStatsAttrs(f, stats, recovered);
      f.close();
      return stats;
    },
    abort: () => f.close(),
  };
}
