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

/** Per-step scalar columns, by their dataset name in an episode group. */
const STEP_COLUMNS: readonly [ColumnRole, string][] = [
  ["rewards", "rewards"],
  ["terminations", "terminations"],
  ["truncations", "truncations"],
  ["returns_to_go", "returns_to_go"],
  ["behavior_prob", "behavior_prob"],
  ["epsilon", "epsilon"],
  ["was_exploratory", "was_exploratory"],
  ["policy_ids", "policy_ids"],
  ["policy_meta", "policy_meta"],
];

/** Seed 002's per-episode layout (see hdf5-writer.ts), written in the worker. */
export function createHdf5Layout(m: H5Module, spec: DatasetSpec, h5Path: string): H5Layout {
  const f = H5File.create(m, h5Path);
  const stats: H5Stats = newStats();
  // Episode datasets never grow: uncompressed ones are contiguous (a third cheaper to create).
  const gzip = { gzip: spec.gzip, contiguous: true };
  writeRootAttrs(f, spec, "gymrpc.hdf5");
  f.attr(
    "/",
    "observations_layout",
    "T rows; next_observations holds the T following observations",
  );

  const write = (ep: DecodedEpisode): void => {
    const T = ep.meta.length;
    const g = `/episode_${ep.meta.episodeId}`;
    const byRole = (role: ColumnRole): Column[] => ep.columns.filter((c) => c.role === role);
    f.group(g);
    const obs = byRole("obs");
    writeSpaceColumns(f, `${g}/observations`, obs, 0, T, gzip);
    writeSpaceColumns(f, `${g}/next_observations`, obs, 1, T + 1, gzip);
    writeSpaceColumns(f, `${g}/actions`, byRole("act"), 0, T, gzip);
    for (const [role, name] of STEP_COLUMNS) {
      const c = byRole(role)[0];
      if (c) writeColumn(f, `${g}/${name}`, c, 0, T, gzip);
    }
    const greedy = byRole("greedy");
    if (greedy.length) writeSpaceColumns(f, `${g}/greedy_actions`, greedy, 0, T, gzip);
    const infos = byRole("info");
    if (infos.length) {
      const made = new Set([`${g}/infos`]);
      f.group(`${g}/infos`);
      for (const c of infos) {
        ensureGroups(f, `${g}/infos`, c.path, made);
        writeColumn(f, leafPath(`${g}/infos`, c.path), c, 1, T + 1, gzip);
      }
    }
    const meta = ep.meta;
    f.attr(g, "episode_id", { int: meta.episodeId });
    if (meta.seed !== null) f.attr(g, "seed", { int: meta.seed });
    f.attr(g, "env_id", meta.envId);
    f.attr(g, "policy_id", meta.policyId);
    f.attr(g, "sub_env", { int: meta.subEnv });
    f.attr(g, "length", { int: T });
    f.attr(g, "total_return", meta.totalReturn);
    f.attr(g, "termination_reason", meta.terminationReason);
    f.attr(g, "trajectory_hash", meta.trajectoryHash);
    f.attr(g, "schema_version", meta.schemaVersion);
    if (meta.success !== null) f.attr(g, "success", meta.success);
    f.attr(g, "started_at", meta.startedAt);
    f.attr(g, "ended_at", meta.endedAt);
    f.attr(g, "config", JSON.stringify(meta.config));
    if (meta.resetInfo && Object.keys(meta.resetInfo).length)
      f.attr(g, "reset_info", JSON.stringify(meta.resetInfo));
    countEpisode(stats, ep);
  };

  return {
    write,
    endBatch: () => f.flush(),
    finish: (recovered) => {
      writeStatsAttrs(f, stats, recovered);
      f.close();
      return stats;
    },
    abort: () => f.close(),
  };
}
