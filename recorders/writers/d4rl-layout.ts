import type { DtypeName } from "../../envs/core/dtype.js";
import type { ColumnDesc, ColumnRole, DecodedEpisode } from "./h5-codec.js";
import { H5File, type H5Module } from "./h5-file.js";
import {
  countEpisode,
  type DatasetSpec,
  type H5Layout,
  type H5Stats,
  leafPath,
  newStats,
  writeRootAttrs,
  writeStatsAttrs,
} from "./h5-layout.js";
import { StagedColumn, setConverted } from "./h5-stage.js";

/** A column of an episode layout and the dataset its rows [from, from + T) go to. */
interface Target {
  readonly col: number;
  readonly flat: StagedColumn;
  readonly from: number;
  /** The timeouts column: also set on the last row of an episode that ends unflagged. */
  readonly timeout: boolean;
}

/** Where the columns of one episode layout go. */
interface Plan {
  readonly targets: Target[];
  /** Index of the terminations column. */
  readonly terminations: number;
  /** Step columns the layout lacks (filled with their default), as of `known` columns. */
  missing: StagedColumn[];
  known: number;
}

/** D4RL's flat layout (see d4rl-writer.ts), written in the worker. */
export function d4rlLayout(m: H5Module, spec: DatasetSpec, h5Path: string): H5Layout {
  const f = H5File.create(m, h5Path);
  const stats: H5Stats = newStats();
  const groups = new Set<string>(["/episodes"]);
  /** Step columns by dataset path; every one has `steps` rows (written, staged or owed). */
  const flats = new Map<string, StagedColumn>();
  let steps = 0;
  writeRootAttrs(f, spec, "gymrpc.d4rl");
  f.group("/episodes");

  const column = (path: string, dtype: DtypeName, shape: readonly number[], role: ColumnRole) =>
    new StagedColumn(f, path, dtype, shape, role, 0, spec.gzip, groups);
  // The episodes table: one row per episode.
  const ids = column("/episodes/id", "int64", [], "rewards");
  const starts = column("/episodes/start", "int64", [], "rewards");
  const lengths = column("/episodes/length", "int64", [], "rewards");
  const seeds = column("/episodes/seed", "int64", [], "rewards");
  const returns = column("/episodes/total_return", "float64", [], "rewards");
  const successes = column("/episodes/success", "int8", [], "rewards");
  const table = [ids, starts, lengths, seeds, returns, successes];

  /** The step column at `path`; one first seen now owes its default for the steps before. */
  const stepColumn = (path: string, dtype: DtypeName, c: ColumnDesc): StagedColumn => {
    let flat = flats.get(path);
    if (!flat) {
      flat = new StagedColumn(f, path, dtype, c.shape.slice(1), c.role, steps, spec.gzip, groups);
      flats.set(path, flat);
    }
    return flat;
  };

  /** Where an episode layout's columns go (built once per layout: most episodes share one). */
  const plans = new WeakMap<readonly ColumnDesc[], Plan>();
  const planFor = (ep: DecodedEpisode): Plan => {
    let plan = plans.get(ep.descs);
    if (plan) return plan;
    const targets: Target[] = [];
    const to = (col: number, path: string, dtype: DtypeName, from: number, timeout = false) => {
      targets.push({ col, flat: stepColumn(path, dtype, ep.descs[col]!), from, timeout });
    };
    ep.descs.forEach((c, i) => {
      if (c.dtype === "string") return;
      const role = c.role;
      if (role === "obs") {
        to(i, leafPath("/observations", c.path), "float32", 0);
        to(i, leafPath("/next_observations", c.path), "float32", 1);
      } else if (role === "act" || role === "greedy") {
        to(i, leafPath(role === "act" ? "/actions" : "/greedy_actions", c.path), "float32", 0);
      } else if (role === "info") to(i, leafPath("/infos", c.path), c.dtype, 1);
      else if (role === "rewards" || role === "returns_to_go") to(i, `/${role}`, "float32", 0);
      else if (role === "terminations") to(i, "/terminals", "bool", 0);
      else if (role === "truncations") to(i, "/timeouts", "bool", 0, true);
      else to(i, `/${role}`, c.dtype, 0);
    });
    const terminations = ep.descs.findIndex((c) => c.role === "terminations");
    plan = { targets, terminations, missing: [], known: -1 };
    plans.set(ep.descs, plan);
    return plan;
  };

  const putEpisodeRow = (flat: StagedColumn, v: number | bigint): void => {
    flat.reserve(1);
    (flat.rows() as unknown as (number | bigint)[])[flat.staged] = v;
    flat.commit(1);
  };

  const write = (ep: DecodedEpisode): void => {
    const h = ep.head;
    const T = h.length;
    const start = steps;
    if (T > 0) {
      const plan = planFor(ep);
      for (const t of plan.targets) {
        const flat = t.flat;
        const w = flat.width;
        flat.reserve(T);
        const s = flat.rows();
        const at = flat.staged * w;
        setConverted(s, at, ep.rows(t.col, t.from, T));
        // An episode cut short by the recording (neither flag set) still ends here: mark it a timeout.
        const cut =
          t.timeout && !(plan.terminations >= 0 && ep.rows(plan.terminations, T - 1, 1)[0]);
        if (cut) s[at + T * w - 1] = 1;
        flat.commit(T);
      }
      // Columns this episode lacks get their default.
      if (plan.known !== flats.size) {
        const mine = new Set(plan.targets.map((t) => t.flat));
        plan.missing = [...flats.values()].filter((x) => !mine.has(x));
        plan.known = flats.size;
      }
      for (const flat of plan.missing) flat.stageDefault(T);
      steps += T;
    }
    putEpisodeRow(ids, BigInt(h.episodeId));
    putEpisodeRow(starts, BigInt(start));
    putEpisodeRow(lengths, BigInt(T));
    putEpisodeRow(seeds, BigInt(h.seed ?? -1));
    putEpisodeRow(returns, h.totalReturn);
    putEpisodeRow(successes, h.success === null ? -1 : h.success ? 1 : 0);
    countEpisode(stats, ep);
  };

  /**
   * Writes every staged row: step columns end at `steps` rows, the episodes table at its
   * episodes (`final`: columns not made yet are made; otherwise they wait for a whole chunk).
   */
  const endBatch = (final = false): void => {
    for (const flat of flats.values()) flat.flush(final);
    for (const flat of table) flat.flush(final);
    f.flush();
  };

  const release = (): void => {
    for (const flat of flats.values()) flat.release();
    for (const flat of table) flat.release();
  };

  return {
    write,
    endBatch: () => endBatch(),
    finish: (recovered) => {
      endBatch(true);
      release();
      writeStatsAttrs(f, stats, recovered);
      f.close();
      return stats;
    },
    abort: () => {
      release();
      f.close();
    },
  };
}
